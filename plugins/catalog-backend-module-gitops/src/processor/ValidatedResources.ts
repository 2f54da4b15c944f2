/*
 * Resources whose content is known to pass the portal's validation, by a hash of that content.
 *
 * Why: the entity provider hands over resources the commit snapshot has already validated (each
 * blob once), and the catalog processes every entity again on each processing interval. Without
 * this the processor re-parsed and re-validated each one every time (~0.7 ms each: a tenth of the
 * catalog's CPU per entity at a full ingest). The key is the resource the processor would
 * validate (entityToResource), so anything else brought in with the portal's kinds (a
 * hand-registered catalog-info.yaml, an edited entity) is still validated.
 */
import type { Entity } from '@backstage/catalog-model';
import { BoundedMap } from '@butler-portal/plugin-gitops-node';
import { createHash } from 'crypto';
import { entityToResource } from '../entity/resourceToEntity';

/** about 100 bytes an entry: 50,000 resources in ~5 MB */
const DEFAULT_CAPACITY = 50_000;

export class ValidatedResources {
  // most recently used last; the oldest go first when full
  readonly #keys: BoundedMap<string, true>;

  constructor(options: { capacity?: number } = {}) {
    this.#keys = new BoundedMap({
      maxEntries: options.capacity ?? DEFAULT_CAPACITY,
    });
  }

  /** the text the processor validates, and its key here */
  static resourceJson(entity: Entity): string {
    return JSON.stringify(entityToResource(entity));
  }

  static #key(resourceJson: string): string {
    return createHash('sha256').update(resourceJson).digest('base64');
  }

  /** records that `resourceJson` (see resourceJson) passed validation */
  add(resourceJson: string): void {
    this.#keys.set(ValidatedResources.#key(resourceJson), true);
  }

  has(resourceJson: string): boolean {
    return this.#keys.has(ValidatedResources.#key(resourceJson));
  }

  get size(): number {
    return this.#keys.size;
  }
}
