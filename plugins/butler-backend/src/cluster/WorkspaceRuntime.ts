/*
 * What the routes ask of the management cluster: its status, live Workspaces (from the watch
 * cache) and start/stop. Two implementations: ManagementCluster (configured) and
 * UnavailableCluster (not configured, or its kubeconfig cannot be loaded), which answers every
 * call with 503 and the reason.
 */
import { ServiceUnavailableError } from '@backstage/errors';
import type {
  ClusterStatus,
  LiveWorkspace,
  WorkspaceDesiredState,
  WorkspaceOperationResult,
} from '@butler-portal/plugin-butler-common';

export interface WorkspaceRuntime {
  status(): ClusterStatus;
  /** @throws ServiceUnavailableError when the cluster is not configured or not reachable */
  listWorkspaces(namespace?: string): LiveWorkspace[];
  /** `exists: false` when the cluster has no such Workspace; @throws ServiceUnavailableError */
  getWorkspace(namespace: string, name: string): LiveWorkspace;
  /**
   * Sets the desired-state annotation of a live Workspace.
   * @throws NotFoundError when the Workspace is not on the cluster, ServiceUnavailableError
   */
  setDesiredState(
    namespace: string,
    name: string,
    desiredState: WorkspaceDesiredState,
  ): Promise<WorkspaceOperationResult>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Why live status is unavailable when `butler.managementCluster` is absent. */
export const NOT_CONFIGURED_REASON =
  'no management cluster is configured (butler.managementCluster)';

export class UnavailableCluster implements WorkspaceRuntime {
  constructor(
    private readonly configured: boolean,
    private readonly reason: string,
  ) {}

  status(): ClusterStatus {
    return {
      configured: this.configured,
      reachable: false,
      reason: this.reason,
    };
  }

  listWorkspaces(): never {
    throw new ServiceUnavailableError(this.reason);
  }

  getWorkspace(): never {
    throw new ServiceUnavailableError(this.reason);
  }

  async setDesiredState(): Promise<never> {
    throw new ServiceUnavailableError(this.reason);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
