/*
 * The dashboard's rows: a live cluster and its Git file are one row (same namespace and name);
 * a file not yet on the cluster and a cluster not (or no longer) in Git are rows too, so a
 * pending create or a cluster made outside Git is visible.
 */
import type { TenantClusterSummary } from '@butler-portal/plugin-butler-common';
import type {
  ChangeSummary,
  ResourceEntry,
} from '@butler-portal/plugin-gitops-common';

export interface ClusterRow {
  id: string;
  namespace: string;
  name: string;
  team?: string;
  /** live phase; `Not applied` for a file the cluster does not have (yet) */
  phase: string;
  version?: string;
  workersReady?: number;
  workersDesired?: number;
  live?: TenantClusterSummary;
  file?: ResourceEntry;
  changes: ChangeSummary[];
}

export function clusterRows(
  live: TenantClusterSummary[],
  files: ResourceEntry[],
  changes: ChangeSummary[],
): ClusterRow[] {
  const rows = new Map<string, ClusterRow>();
  const changesOf = (ns: string, name: string) =>
    changes.filter(c =>
      c.resources.some(
        r =>
          r.namespace === ns &&
          (r.kind === 'TenantCluster' ? r.name === name : false),
      ),
    );
  for (const c of live) {
    const id = `${c.namespace}/${c.name}`;
    rows.set(id, {
      id,
      namespace: c.namespace,
      name: c.name,
      team: c.team,
      phase: c.phase ?? 'Unknown',
      version: c.observedKubernetesVersion ?? c.kubernetesVersion,
      workersReady: c.workers.ready,
      workersDesired: c.workers.desired,
      live: c,
      changes: changesOf(c.namespace, c.name),
    });
  }
  for (const f of files) {
    const id = `${f.namespace}/${f.name}`;
    const row = rows.get(id);
    if (row) {
      row.file = f;
      continue;
    }
    const spec = (f.object?.spec ?? {}) as Record<string, any>;
    rows.set(id, {
      id,
      namespace: f.namespace,
      name: f.name,
      team:
        typeof spec.teamRef?.name === 'string' ? spec.teamRef.name : undefined,
      phase: 'Not applied',
      version:
        typeof spec.kubernetesVersion === 'string'
          ? spec.kubernetesVersion
          : undefined,
      workersDesired:
        typeof spec.workers?.replicas === 'number'
          ? spec.workers.replicas
          : undefined,
      file: f,
      changes: changesOf(f.namespace, f.name),
    });
  }
  return [...rows.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function phaseCounts(rows: ClusterRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.phase] = (counts[r.phase] ?? 0) + 1;
  return counts;
}
