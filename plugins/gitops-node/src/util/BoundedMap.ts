/**
 * A Map that keeps at most `maxEntries` entries — and, with `weigh`, at most `maxWeight` in
 * weight — forgetting the oldest first (insertion order; setting a key again makes it the
 * newest). The caches of the backend (parsed objects, change views, clients, answers) are this
 * one class, so that none grows with the traffic.
 */
export interface BoundedMapOptions<K, V> {
  /** 0 keeps nothing */
  maxEntries: number;
  /** an entry's weight (e.g. a tree's entry count), counted against `maxWeight` */
  weigh?: (value: V) => number;
  maxWeight?: number;
  /** told of each entry forgotten to make room (not of `delete` or `clear`) */
  onEvict?: (key: K, value: V) => void;
}

export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  /** each entry's weight as it was set (a value changed afterwards does not skew the total) */
  readonly #weights = new Map<K, number>();
  #weight = 0;

  constructor(private readonly options: BoundedMapOptions<K, V>) {
    if (!(options.maxEntries >= 0)) {
      throw new RangeError('BoundedMap: maxEntries must be 0 or more');
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
    if (this.options.maxEntries === 0) return this;
    const weight = this.options.weigh?.(value) ?? 0;
    this.#entries.set(key, value);
    this.#weights.set(key, weight);
    this.#weight += weight;
    const maxWeight = this.options.maxWeight ?? Infinity;
    // the newest entry stays even when it alone weighs more than the budget
    while (
      this.#entries.size > 1 &&
      (this.#entries.size > this.options.maxEntries || this.#weight > maxWeight)
    ) {
      const [oldest, old] = this.#entries.entries().next().value!;
      this.delete(oldest);
      this.options.onEvict?.(oldest, old);
    }
    return this;
  }

  delete(key: K): boolean {
    if (!this.#entries.has(key)) return false;
    this.#weight -= this.#weights.get(key) ?? 0;
    this.#weights.delete(key);
    return this.#entries.delete(key);
  }

  /**
   * Forgets `key` if it still holds `value`: for a failed promise that a newer one may have
   * replaced meanwhile.
   */
  deleteIf(key: K, value: V): void {
    if (this.#entries.get(key) === value) this.delete(key);
  }

  /**
   * Keeps a pending `value` (a promise) under `key` until it rejects, and answers it: a failed
   * read is not kept, so the next asks again — unless a newer promise replaced it meanwhile.
   */
  setUntilRejected(key: K, value: V): V {
    this.set(key, value);
    Promise.resolve(value as unknown).then(undefined, () =>
      this.deleteIf(key, value),
    );
    return value;
  }

  clear(): void {
    this.#entries.clear();
    this.#weights.clear();
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
}
