/*
 * Dependencies between artifacts: each declared range resolved against the merged, served
 * versions, and the reverse "used by". Computed from the index, so once per merged revision.
 */
import semver from 'semver';
import {
  rangeProblem,
  resolveRange,
  type DependentArtifact,
  type ResolvedDependency,
} from '@butler-portal/plugin-registry-common';
import {
  isServed,
  latestServed,
  type ArtifactEntry,
  type RegistryIndex,
} from './RegistryIndex';

/** `name` or `namespace/name`, relative to the depending artifact's namespace */
function target(ref: string, namespace: string) {
  const [ns, name] = ref.includes('/') ? ref.split('/', 2) : [namespace, ref];
  return { namespace: ns, name };
}

export function resolveDependencies(
  index: RegistryIndex,
  entry: ArtifactEntry,
): ResolvedDependency[] {
  return (entry.located.record.spec.dependencies ?? []).map(dep => {
    const { namespace, name } = target(dep.artifact, entry.namespace);
    const base = { ...dep, namespace, name };
    const problem = rangeProblem(dep.versionRange);
    if (problem) return { ...base, problem };
    const other = index.get(namespace, name);
    if (!other)
      return {
        ...base,
        problem: `artifact ${namespace}/${name} does not exist`,
      };
    const served = other.versions.filter(isServed).map(v => v.version);
    const resolved = resolveRange(dep.versionRange, served);
    return resolved
      ? { ...base, resolved }
      : {
          ...base,
          problem: `no merged version of ${namespace}/${name} is in ${dep.versionRange}`,
        };
  });
}

export function dependentsOf(
  index: RegistryIndex,
  entry: ArtifactEntry,
): DependentArtifact[] {
  const latest = latestServed(entry)?.version;
  const dependents: DependentArtifact[] = [];
  for (const other of index.list()) {
    for (const dep of other.located.record.spec.dependencies ?? []) {
      const { namespace, name } = target(dep.artifact, other.namespace);
      if (namespace !== entry.namespace || name !== entry.name) continue;
      dependents.push({
        namespace: other.namespace,
        name: other.name,
        versionRange: dep.versionRange,
        acceptsLatest:
          latest !== undefined &&
          rangeProblem(dep.versionRange) === undefined &&
          semver.satisfies(latest, dep.versionRange),
      });
    }
  }
  return dependents;
}
