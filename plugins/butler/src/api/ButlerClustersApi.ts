/*
 * The butler backend's cluster, addon and team routes as the pages see them (contract in
 * @butler-portal/plugin-butler-common). One interface so that pages take it from the API holder
 * and tests swap in a fake.
 */
import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  AddonDefinitionInfo,
  ButlerMe,
  InventoryChangeEvent,
  InventoryStatus,
  TeamInfo,
  TenantAddonInfo,
  TenantClusterDetail,
  TenantClusterSummary,
} from '@butler-portal/plugin-butler-common';

/** Whether live cluster data can be shown, and if not, why in one sentence. */
export type ClustersAvailability =
  | { available: true; status: InventoryStatus }
  | {
      available: false;
      /** false: no management cluster configured (the embedded default) */
      configured: boolean;
      reason: string;
      status?: InventoryStatus;
    };

export interface ButlerClustersApi {
  getAvailability(): Promise<ClustersAvailability>;
  getMe(): Promise<ButlerMe>;
  listClusters(filter?: {
    team?: string;
    phase?: string;
  }): Promise<TenantClusterSummary[]>;
  getCluster(ref: {
    namespace: string;
    name: string;
  }): Promise<TenantClusterDetail>;
  listAddons(filter?: {
    namespace?: string;
    cluster?: string;
  }): Promise<TenantAddonInfo[]>;
  listAddonDefinitions(): Promise<AddonDefinitionInfo[]>;
  listTeams(): Promise<TeamInfo[]>;
  /**
   * A tenant cluster's kubeconfig as the backend serves it for download (its file name and
   * content); refused unless the caller is an admin or operator of the cluster's team.
   */
  downloadKubeconfig(ref: {
    namespace: string;
    name: string;
  }): Promise<{ filename: string; content: Blob }>;
  /**
   * Calls `onEvent` for each change the caller may see and `onStatus` when the cluster goes
   * down or comes back, until the returned function is called. Reconnects on its own.
   */
  subscribe(handlers: {
    onEvent(event: InventoryChangeEvent): void;
    onStatus?(status: InventoryStatus): void;
  }): () => void;
}

export const butlerClustersApiRef = createApiRef<ButlerClustersApi>().with({
  id: 'plugin.butler.clusters',
  pluginId: 'butler',
});
