/*
 * The registry as the protocols see it, derived once from a records snapshot: artifacts by
 * namespace and name, each with its versions newest first and their state. Everything a request
 * needs is a map lookup from here.
 */
import semver from 'semver';
import {
  compareVersionsDescending,
  type ArtifactRecord,
  type ArtifactSummary,
  type ArtifactVersionRecord,
  type VersionInfo,
  type VersionState,
} from '@butler-portal/plugin-registry-common';
import type { Located, RecordProblem, RecordsSnapshot } from './MergedRecords';

export interface VersionEntry {
  version: string;
  state: VersionState;
  reason?: string;
  located: Located<ArtifactVersionRecord>;
}

export interface ArtifactEntry {
  located: Located<ArtifactRecord>;
  namespace: string;
  name: string;
  /** newest first, every state */
  versions: VersionEntry[];
}

/** whether clients see a version (yanked and unavailable ones are left out) */
export function isServed(v: VersionEntry): boolean {
  return v.state === 'merged' || v.state === 'deprecated';
}

const SOURCE_FOR_TYPE = {
  'terraform-module': ['git'],
  'helm-chart': ['git', 'chart'],
  'opa-bundle': ['git'],
} as const;

function sourceType(record: ArtifactVersionRecord): 'git' | 'chart' | 'bundle' {
  return Object.keys(record.spec.source)[0] as 'git' | 'chart' | 'bundle';
}

function stateOf(
  artifact: ArtifactRecord,
  record: ArtifactVersionRecord,
): { state: VersionState; reason?: string } {
  if (record.spec.yanked)
    return { state: 'yanked', reason: record.spec.yanked };
  const type = sourceType(record);
  const allowed: readonly string[] = SOURCE_FOR_TYPE[artifact.spec.type];
  if (!allowed.includes(type)) {
    return {
      state: 'unavailable',
      reason: `a ${artifact.spec.type} is served from a ${allowed.join(
        ' or ',
      )} source, not ${type} (spec.source.${type})`,
    };
  }
  if (type === 'git') {
    const git = (
      record.spec.source as { git: { commit?: string; digest?: string } }
    ).git;
    if (!git.commit && !git.digest) {
      return {
        state: 'unavailable',
        reason:
          'the git source pins neither a commit nor a digest (spec.source.git.commit); Keeper serves only immutable content',
      };
    }
  }
  if (record.spec.deprecated) {
    return { state: 'deprecated', reason: record.spec.deprecated };
  }
  return { state: 'merged' };
}

export class RegistryIndex {
  readonly revision: string;
  readonly commits: ReadonlyMap<string, string>;
  readonly problems: RecordProblem[];
  readonly #artifacts = new Map<string, ArtifactEntry>();

  constructor(snapshot: RecordsSnapshot) {
    this.revision = snapshot.revision;
    this.commits = snapshot.commits;
    this.problems = [...snapshot.problems];
    for (const located of snapshot.artifacts) {
      const { namespace, name } = located.record.metadata;
      const key = `${namespace}/${name}`;
      if (this.#artifacts.has(key)) {
        this.problems.push({
          repository: located.repository,
          file: located.file,
          message: `artifact ${key} is also defined in ${
            this.#artifacts.get(key)!.located.repository
          }:${this.#artifacts.get(key)!.located.file}; the first one is used`,
        });
        continue;
      }
      this.#artifacts.set(key, { located, namespace, name, versions: [] });
    }
    for (const located of snapshot.versions) {
      const { namespace } = located.record.metadata;
      const { artifact, version } = located.record.spec;
      const entry = this.#artifacts.get(`${namespace}/${artifact}`);
      if (!entry) {
        this.problems.push({
          repository: located.repository,
          file: located.file,
          message: `version ${version} of unknown artifact ${namespace}/${artifact}`,
        });
        continue;
      }
      if (entry.versions.some(v => v.version === version)) {
        this.problems.push({
          repository: located.repository,
          file: located.file,
          message: `version ${version} of ${namespace}/${artifact} is defined twice; the first one is used`,
        });
        continue;
      }
      entry.versions.push({
        version,
        located,
        ...stateOf(entry.located.record, located.record),
      });
    }
    for (const entry of this.#artifacts.values()) {
      entry.versions.sort((a, b) =>
        compareVersionsDescending(a.version, b.version),
      );
    }
  }

  get(namespace: string, name: string): ArtifactEntry | undefined {
    return this.#artifacts.get(`${namespace}/${name}`);
  }

  list(): ArtifactEntry[] {
    return [...this.#artifacts.values()].sort((a, b) =>
      a.namespace === b.namespace
        ? a.name.localeCompare(b.name)
        : a.namespace.localeCompare(b.namespace),
    );
  }

  inNamespace(namespace: string): ArtifactEntry[] {
    return this.list().filter(a => a.namespace === namespace);
  }

  /** the commit of the repository holding a record: the merged state it was served from */
  commitOf(located: Located<unknown>): string {
    return this.commits.get(located.repository) ?? '';
  }
}

/** The newest served release (pre-releases only when there is no release). */
export function latestServed(entry: ArtifactEntry): VersionEntry | undefined {
  const served = entry.versions.filter(isServed);
  return served.find(v => semver.prerelease(v.version) === null) ?? served[0];
}

export function versionInfo(v: VersionEntry): VersionInfo {
  const record = v.located.record;
  const type = sourceType(record);
  const git = type === 'git' ? (record.spec.source as any).git : undefined;
  return {
    version: v.version,
    state: v.state,
    ...(v.reason && { reason: v.reason }),
    ...(record.spec.changelog && { changelog: record.spec.changelog }),
    sourceType: type,
    ...(git?.commit && { commit: git.commit }),
    file: v.located.file,
  };
}

export function artifactSummary(entry: ArtifactEntry): ArtifactSummary {
  const spec = entry.located.record.spec;
  return {
    namespace: entry.namespace,
    name: entry.name,
    type: spec.type,
    owner: spec.owner,
    ...(spec.title && { title: spec.title }),
    ...(spec.description && { description: spec.description }),
    tags: spec.tags ?? [],
    dependencies: spec.dependencies ?? [],
    versions: entry.versions.map(versionInfo),
    ...(latestServed(entry) && { latest: latestServed(entry)!.version }),
    file: entry.located.file,
  };
}
