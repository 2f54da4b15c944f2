/*
 * What the cluster pages read: availability, the live clusters of the caller's teams, teams,
 * the TenantCluster files in Git and their open change requests. Live changes (the backend's
 * event stream) trigger a re-read, coalesced, so pages update without a manual refresh.
 */
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  TeamInfo,
  TenantClusterSummary,
} from '@butler-portal/plugin-butler-common';
import type {
  ChangeSummary,
  ResourceEntry,
} from '@butler-portal/plugin-gitops-common';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { butlerClustersApiRef, type ClustersAvailability } from '../api';

export interface ClustersData {
  loading: boolean;
  availability?: ClustersAvailability;
  clusters: TenantClusterSummary[];
  teams: TeamInfo[];
  /** the TenantCluster files on the default branch */
  files: ResourceEntry[];
  /** open change requests touching TenantCluster or TenantAddon files */
  changes: ChangeSummary[];
  error?: string;
  reload(): void;
}

/** Re-reads when something changes, at most once per `coalesceMs`. */
export function useClustersData(
  options: { coalesceMs?: number } = {},
): ClustersData {
  const api = useApi(butlerClustersApiRef);
  const gitops = useApi(gitopsApiRef);
  const [state, setState] = useState<Omit<ClustersData, 'reload'>>({
    loading: true,
    clusters: [],
    teams: [],
    files: [],
    changes: [],
  });
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const alive = useRef(true);

  const load = useCallback(async () => {
    const availability = await api.getAvailability();
    const errors: string[] = [];
    const live = availability.available
      ? await Promise.all([
          api.listClusters().catch(e => {
            errors.push(e.message);
            return [];
          }),
          api.listTeams().catch(e => {
            errors.push(e.message);
            return [];
          }),
        ])
      : [[], []];
    const [files, clusterChanges, addonChanges] = await Promise.all([
      gitops.listResources({ kind: 'TenantCluster' }).catch(e => {
        errors.push(`Git: ${e.message}`);
        return [] as ResourceEntry[];
      }),
      gitops
        .listChanges({ state: 'open', kind: 'TenantCluster' })
        .catch(() => []),
      gitops
        .listChanges({ state: 'open', kind: 'TenantAddon' })
        .catch(() => []),
    ]);
    if (!alive.current) return;
    setState({
      loading: false,
      availability,
      clusters: live[0] as TenantClusterSummary[],
      teams: live[1] as TeamInfo[],
      files,
      changes: [...clusterChanges, ...addonChanges],
      ...(errors.length && { error: errors.join('; ') }),
    });
  }, [api, gitops]);

  const reload = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void load();
    }, options.coalesceMs ?? 300);
  }, [load, options.coalesceMs]);

  useEffect(() => {
    alive.current = true;
    void load();
    const off = api.subscribe({ onEvent: reload, onStatus: reload });
    return () => {
      alive.current = false;
      off();
      clearTimeout(timer.current);
    };
  }, [api, load, reload]);

  return { ...state, reload };
}

/** The open changes touching one resource. */
export function changesOf(
  changes: ChangeSummary[],
  kind: string,
  namespace: string,
  name: string,
): ChangeSummary[] {
  return changes.filter(c =>
    c.resources.some(
      r => r.kind === kind && r.namespace === namespace && r.name === name,
    ),
  );
}
