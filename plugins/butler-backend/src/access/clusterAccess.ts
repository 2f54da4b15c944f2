/*
 * Whether a caller may act inside one tenant cluster (its kubeconfig), decided by the permission
 * policy as a resource permission: ALLOW, DENY, or a condition on the cluster's team (rule in
 * butler-common's permissionRules, IS_MEMBER_OF_CLUSTER_TEAM) applied here to the TenantCluster
 * in hand (butler-node's decideScope, as the inventory routes and the terminal decide). The
 * cluster's team is spec.teamRef, else the Team whose namespace holds it (the inventory's
 * teamOfCluster, as the cluster pages show it).
 */
import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  BUTLER_CLUSTER_RESOURCE_TYPE,
  matchesButlerCluster,
  type ButlerClusterResource,
} from '@butler-portal/plugin-butler-common';
import {
  decideScope,
  teamOfCluster,
  type ButlerInventory,
  type ButlerObject,
  type ScopeDecision,
} from '@butler-portal/plugin-butler-node';

export function clusterResourceOf(
  inventory: ButlerInventory,
  cluster: ButlerObject,
): ButlerClusterResource {
  const team = teamOfCluster(
    cluster,
    ns =>
      inventory.list('Team').find(t => t.status?.namespace === ns)?.metadata
        .name,
  );
  return {
    namespace: cluster.metadata.namespace ?? '',
    name: cluster.metadata.name,
    ...(team && { team }),
  };
}

/**
 * The one answer for a TenantCluster that does not exist and one the caller may not read (the
 * cluster routes, the kubeconfig): a different one would tell which names exist.
 */
export function clusterNotFound(namespace: string, name: string) {
  return new NotFoundError(
    `no TenantCluster ${namespace}/${name} among the clusters of your teams`,
  );
}

export function createClusterAccess(services: {
  permissions: PermissionsService;
  inventory: ButlerInventory;
}) {
  const { permissions, inventory } = services;
  return {
    /**
     * The policy's decision on `permission`, asked once and before any cluster is looked up
     * (so that a refusal can be told without saying whether a cluster exists), as a test of
     * the TenantClusters in hand.
     */
    decide(
      permission: ResourcePermission<typeof BUTLER_CLUSTER_RESOURCE_TYPE>,
      credentials: BackstageCredentials,
    ): Promise<ScopeDecision<ButlerObject>> {
      return decideScope(permissions, permission, credentials, (criteria, c) =>
        matchesButlerCluster(criteria, clusterResourceOf(inventory, c)),
      );
    },
  };
}
