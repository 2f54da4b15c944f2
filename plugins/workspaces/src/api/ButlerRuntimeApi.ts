/*
 * The butler runtime backend (plugin id `butler`, contract in @butler-portal/plugin-butler-common)
 * as this plugin sees it: what only the management cluster knows (phase, SSH endpoint) and the
 * start/stop operations, which are runtime actions rather than Git changes.
 */
import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ClusterStatus,
  LiveWorkspace,
  WorkspaceOperationResult,
} from '@butler-portal/plugin-butler-common';

/**
 * Whether live status can be shown: `available: false` when the portal runs without a
 * management cluster (no butler backend, or the backend has no cluster configured or reachable).
 */
export type RuntimeAvailability =
  | { available: true; status: ClusterStatus }
  | { available: false; reason: string };

export interface ButlerRuntimeApi {
  /** Never rejects for a missing backend or cluster: that is `available: false` with a reason. */
  getAvailability(): Promise<RuntimeAvailability>;
  listWorkspaces(filter?: { namespace?: string }): Promise<LiveWorkspace[]>;
  getWorkspace(ref: {
    namespace: string;
    name: string;
  }): Promise<LiveWorkspace>;
  start(ref: {
    namespace: string;
    name: string;
  }): Promise<WorkspaceOperationResult>;
  stop(ref: {
    namespace: string;
    name: string;
  }): Promise<WorkspaceOperationResult>;
}

export const butlerRuntimeApiRef = createApiRef<ButlerRuntimeApi>().with({
  id: 'plugin.workspaces.butler-runtime',
  pluginId: 'workspaces',
});
