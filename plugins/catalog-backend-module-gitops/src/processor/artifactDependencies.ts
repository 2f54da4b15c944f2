/*
 * Keeper in the catalog: an Artifact's `spec.dependencies` ranges resolved against the merged
 * versions of each dependency (the ArtifactVersion entities the catalog holds from the default
 * branches, yanked ones left out), the way a client would pick: the highest version in the range.
 * The result rides on the entity as annotations (ANNOTATION_RESOLVED_DEPENDENCIES), from which the
 * processor emits `dependsOn` to the resolved ArtifactVersion; a range that resolves to nothing is
 * said in ANNOTATION_UNRESOLVED_DEPENDENCIES, never dropped silently. The catalog reprocesses
 * entities periodically, so a newly merged version is picked up on the dependents' next run.
 */
import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  rangeProblem,
  resolveRange,
} from '@butler-portal/plugin-registry-common';
import {
  ANNOTATION_RESOLVED_DEPENDENCIES,
  ANNOTATION_UNRESOLVED_DEPENDENCIES,
} from '../entity/annotations';
import { BoundedMap } from '@butler-portal/plugin-gitops-node';

/** Merged, not yanked versions of an artifact; `undefined` when there is no such Artifact. */
export type ServedVersionsOf = (
  namespace: string,
  name: string,
) => Promise<string[] | undefined>;

export interface DependencyResolution {
  /** `<namespace>/<name>` of the dependency */
  artifact: string;
  versionRange: string;
  /** the highest merged version in the range */
  resolved?: string;
  /** why nothing resolved */
  problem?: string;
}

function target(value: string, namespace: string) {
  const slash = value.indexOf('/');
  return slash < 0
    ? { namespace, name: value }
    : { namespace: value.slice(0, slash), name: value.slice(slash + 1) };
}

/** Each declared dependency of an Artifact entity, resolved or with the reason it is not. */
export async function resolveDependencies(
  entity: Entity,
  versionsOf: ServedVersionsOf,
): Promise<DependencyResolution[]> {
  const list = entity.spec?.dependencies;
  if (!Array.isArray(list)) return [];
  const namespace = entity.metadata.namespace ?? 'default';
  const out: DependencyResolution[] = [];
  for (const item of list) {
    // the schema made each item an object; anything else is not ours to resolve
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const dependency = item as { artifact?: unknown; versionRange?: unknown };
    if (typeof dependency.artifact !== 'string') continue;
    const ref = target(dependency.artifact, namespace);
    const artifact = `${ref.namespace}/${ref.name}`;
    const versionRange = String(dependency.versionRange ?? '');
    const badRange = rangeProblem(versionRange);
    if (badRange) {
      out.push({ artifact, versionRange, problem: badRange });
      continue;
    }
    const versions = await versionsOf(ref.namespace, ref.name);
    if (!versions) {
      out.push({
        artifact,
        versionRange,
        problem: `no Artifact ${artifact} is merged`,
      });
      continue;
    }
    const resolved = resolveRange(versionRange, versions);
    out.push(
      resolved
        ? { artifact, versionRange, resolved }
        : {
            artifact,
            versionRange,
            problem: `no merged version of ${artifact} is in ${JSON.stringify(
              versionRange,
            )}${
              versions.length
                ? ` (merged: ${versions.join(', ')})`
                : ' (it has no merged version)'
            }`,
          },
    );
  }
  return out;
}

/** The entity with its resolution annotations set (or removed when there is nothing to say). */
export function withResolution(
  entity: Entity,
  resolution: DependencyResolution[],
): Entity {
  const annotations = { ...entity.metadata.annotations };
  delete annotations[ANNOTATION_RESOLVED_DEPENDENCIES];
  delete annotations[ANNOTATION_UNRESOLVED_DEPENDENCIES];
  if (resolution.length > 0) {
    annotations[ANNOTATION_RESOLVED_DEPENDENCIES] = JSON.stringify(resolution);
  }
  const problems = resolution.filter(r => r.problem);
  if (problems.length > 0) {
    annotations[ANNOTATION_UNRESOLVED_DEPENDENCIES] = problems
      .map(p => `${p.artifact} ${p.versionRange}: ${p.problem}`)
      .join('\n');
  }
  return { ...entity, metadata: { ...entity.metadata, annotations } };
}

/** The resolution an entity carries (see withResolution); [] when none or unreadable. */
export function resolutionOf(entity: Entity): DependencyResolution[] {
  const raw = entity.metadata.annotations?.[ANNOTATION_RESOLVED_DEPENDENCIES];
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/**
 * Served versions from the catalog's ArtifactVersion entities, one query per artifact, kept a
 * few seconds so that processing many dependents of one artifact asks once.
 */
export class CatalogArtifactVersions {
  readonly #catalog: Pick<CatalogService, 'getEntities'>;
  readonly #auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #answers = new BoundedMap<
    string,
    { at: number; value: Promise<string[] | undefined> }
  >({ maxEntries: 10_000 });

  constructor(options: {
    catalog: Pick<CatalogService, 'getEntities'>;
    auth: Pick<AuthService, 'getOwnServiceCredentials'>;
    ttlMs?: number;
    now?: () => number;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  readonly versionsOf: ServedVersionsOf = (namespace, name) => {
    const key = `${namespace}/${name}`;
    const now = this.#now();
    const known = this.#answers.get(key);
    if (known && now - known.at < this.#ttlMs) return known.value;
    const value = this.#lookUp(namespace, name);
    this.#answers.set(key, { at: now, value });
    value.catch(() => {
      // unless a newer look-up replaced it meanwhile
      if (this.#answers.get(key)?.value === value) this.#answers.delete(key);
    });
    return value;
  };

  async #lookUp(
    namespace: string,
    name: string,
  ): Promise<string[] | undefined> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: [
          {
            kind: 'Artifact',
            'metadata.namespace': namespace,
            'metadata.name': name,
          },
          {
            kind: 'ArtifactVersion',
            'metadata.namespace': namespace,
            'spec.artifact': name,
          },
        ],
        fields: ['kind', 'metadata.name', 'spec.version', 'spec.yanked'],
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    if (!items.some(e => e.kind === 'Artifact')) return undefined;
    return items
      .filter(e => e.kind === 'ArtifactVersion' && !e.spec?.yanked)
      .flatMap(e =>
        typeof e.spec?.version === 'string' ? [e.spec.version] : [],
      );
  }
}
