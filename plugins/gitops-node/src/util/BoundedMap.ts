/**
 * A Map that keeps at most `maxEntries` entries — and, with `weigh`, at most `maxWeight` in
 * weight — forgetting the oldest first (insertion order; setting a key again makes it the
 * newest). The caches of the backend (parsed objects, change views, clients, answers) are this
 * one class, so that none grows with the traffic.
 */
export interface BoundedMapOptions<K, V> {
  maxEntries: number;
  /** an entry's weight (e.g. a tree's entry count), counted against `maxWeight` */
  weigh?: (value: V) => number;
  maxWeight?: number;
  /** told of each entry forgotten to make room (not of `delete` or `clear`) */
  onEvict?: (key: K, value: V) => void;
}

export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  #weight = 0;

  constructor(private readonly options: BoundedMapOptions<K, V>) {
    if (!(options.maxEntries >= 1)) {
      throw new RangeError('BoundedMap: maxEntries must be at least 1');
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  set(key: K, value: V): this {
    this.delete(key);
    this.#entries.set(key, value);
    this.#weight += this.#weigh(value);
    const maxWeight = this.options.maxWeight ?? Infinity;
    // the newest entry stays even when it alone weighs more than the budget
    while (
      this.#entries.size > 1 &&
      (this.#entries.size > this.options.maxEntries || this.#weight > maxWeight)
    ) {
      const [oldest, old] = this.#entries.entries().next().value!;
      this.#entries.delete(oldest);
      this.#weight -= this.#weigh(old);
      this.options.onEvict?.(oldest, old);
    }
    return this;
  }

  delete(key: K): boolean {
    if (!this.#entries.has(key)) return false;
    this.#weight -= this.#weigh(this.#entries.get(key)!);
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }

  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }

  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#entries.entries();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.#entries.entries();
  }

  #weigh(value: V): number {
    return this.options.weigh?.(value) ?? 0;
  }
}
