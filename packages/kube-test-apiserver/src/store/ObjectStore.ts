/*
 * Storage in memory, shaped like etcd behind the apiserver: one global, monotonic
 * resourceVersion; every write is an event (ADDED, MODIFIED, DELETED) kept in a bounded
 * history, so a watch can resume from a resourceVersion until that history is compacted
 * (then the watch gets 410 Expired, as after etcd compaction).
 */
import { expired } from '../api/status';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  resourceVersion: number;
  /** storage key of the resource type (`<group>/<plural>`) */
  resource: string;
  namespace: string;
  name: string;
  /** the object after the write (for DELETED: as it was, with the deletion's resourceVersion) */
  object: Record<string, any>;
  /** the object before the write, for MODIFIED and DELETED */
  previous?: Record<string, any>;
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class ObjectStore {
  private revision = 0;
  private readonly collections = new Map<
    string,
    Map<string, Record<string, any>>
  >();
  private history: StoreEvent[] = [];
  /** events at or below this revision are no longer in the history */
  private compactedThrough = 0;
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(private readonly historyLimit: number) {}

  currentResourceVersion(): number {
    return this.revision;
  }

  private collection(resource: string): Map<string, Record<string, any>> {
    let c = this.collections.get(resource);
    if (!c) {
      c = new Map();
      this.collections.set(resource, c);
    }
    return c;
  }

  get(
    resource: string,
    namespace: string,
    name: string,
  ): Record<string, any> | undefined {
    const found = this.collections
      .get(resource)
      ?.get(objectKey(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  /** Whether the object exists (without the copy get() makes) */
  has(resource: string, namespace: string, name: string): boolean {
    return (
      this.collections.get(resource)?.has(objectKey(namespace, name)) ?? false
    );
  }

  /** Objects of a resource, in one namespace or all, sorted by namespace and name. */
  list(resource: string, namespace?: string): Record<string, any>[] {
    const all = [...(this.collections.get(resource)?.values() ?? [])];
    return all
      .filter(
        o =>
          namespace === undefined || (o.metadata.namespace ?? '') === namespace,
      )
      .sort((a, b) =>
        objectKey(a.metadata.namespace ?? '', a.metadata.name).localeCompare(
          objectKey(b.metadata.namespace ?? '', b.metadata.name),
        ),
      )
      .map(o => structuredClone(o));
  }

  /** Stores a new or changed object under the next resourceVersion and returns it. */
  put(resource: string, object: Record<string, any>): Record<string, any> {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name;
    const key = objectKey(namespace, name);
    const c = this.collection(resource);
    const previous = c.get(key);
    this.revision++;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.revision);
    c.set(key, stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      resourceVersion: this.revision,
      resource,
      namespace,
      name,
      object: stored,
      previous,
    });
    return structuredClone(stored);
  }

  remove(
    resource: string,
    namespace: string,
    name: string,
  ): Record<string, any> | undefined {
    const c = this.collections.get(resource);
    const key = objectKey(namespace, name);
    const previous = c?.get(key);
    if (!c || !previous) return undefined;
    c.delete(key);
    this.revision++;
    const deleted = structuredClone(previous);
    deleted.metadata.resourceVersion = String(this.revision);
    this.emit({
      type: 'DELETED',
      resourceVersion: this.revision,
      resource,
      namespace,
      name,
      object: deleted,
      previous,
    });
    return structuredClone(deleted);
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      this.compactedThrough = this.history.shift()!.resourceVersion;
    }
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Events after `resourceVersion`, or 410 Expired when the history no longer reaches back. The
   * watch cache's test is `rv < oldest - 1` with `oldest` the first event it still holds, and
   * its message names `oldest - 1`: here that is the last forgotten resourceVersion.
   */
  eventsSince(resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.compactedThrough) {
      throw expired(
        `too old resource version: ${resourceVersion} (${this.compactedThrough})`,
      );
    }
    return this.history.filter(e => e.resourceVersion > resourceVersion);
  }

  /** Forgets the event history, like etcd compaction: older resourceVersions expire. */
  compact(): void {
    this.history = [];
    this.compactedThrough = this.revision;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
