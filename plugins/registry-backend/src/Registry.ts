/*
 * The registry's read side: the index of the merged records, and a cache of everything derived
 * from it (version lists, Helm indexes, OPA bundles), kept per merged revision. A request costs a
 * map lookup while nothing is merged; a merge computes each answer again once, on first use.
 */
import type { MergedRecords } from './records/MergedRecords';
import { RegistryIndex } from './records/RegistryIndex';
import type { SourceReader } from './sources/SourceReader';
import { BoundedMap } from '@butler-portal/plugin-gitops-node';

/** bounds memory under hostile request patterns; far above the number of distinct answers */
const MAX_DERIVED = 100_000;

export class Registry {
  readonly records: MergedRecords;
  readonly sources: SourceReader;
  #index?: { revision: string; index: RegistryIndex };
  #derivedRevision = '';
  // the least recently asked answer goes first when full: the list answers the protocols ask
  // for most stay
  readonly #derived = new BoundedMap<string, Promise<unknown>>({
    maxEntries: MAX_DERIVED,
  });

  constructor(options: { records: MergedRecords; sources: SourceReader }) {
    this.records = options.records;
    this.sources = options.sources;
  }

  async index(): Promise<RegistryIndex> {
    const snapshot = await this.records.current();
    if (this.#index?.revision !== snapshot.revision) {
      this.#index = {
        revision: snapshot.revision,
        index: new RegistryIndex(snapshot),
      };
    }
    return this.#index.index;
  }

  /**
   * `compute()` once per revision and key; a failure is not kept (the next request tries again,
   * e.g. after a digest mismatch nothing stays cached).
   */
  derived<T>(
    index: RegistryIndex,
    key: string,
    compute: () => Promise<T>,
  ): Promise<T> {
    if (this.#derivedRevision !== index.revision) {
      this.#derived.clear();
      this.#derivedRevision = index.revision;
    }
    const value = this.#derived.get(key) as Promise<T> | undefined;
    if (!value)
      return this.#derived.setUntilRejected(key, compute()) as Promise<T>;
    this.#derived.set(key, value); // most recently asked last
    return value;
  }
}
