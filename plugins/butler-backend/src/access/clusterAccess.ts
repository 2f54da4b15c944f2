/*
 * Whether a caller may act inside one tenant cluster (its kubeconfig), decided by the permission
 * policy as a resource permission: ALLOW, DENY, or a condition on the cluster's team (rule in
 * butler-common's permissionRules, IS_MEMBER_OF_CLUSTER_TEAM) applied here to the TenantCluster
 * in hand. The cluster's team is spec.teamRef, else the Team whose namespace holds it (the
 * inventory's teamOfCluster, as the cluster pages show it).
 */
import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  BUTLER_CLUSTER_RESOURCE_TYPE,
  matchesButlerCluster,
  type ButlerClusterResource,
} from '@butler-portal/plugin-butler-common';
import {
  teamOfCluster,
  type ButlerInventory,
  type ButlerObject,
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

export function createClusterAccess(services: {
  permissions: PermissionsService;
  auth: AuthService;
  inventory: ButlerInventory;
}) {
  const { permissions, auth, inventory } = services;
  return {
    /**
     * @throws NotAllowedError naming the user, the permission and the cluster unless allowed;
     * with `hide`, NotFoundError when the condition excludes the cluster (as the cluster routes
     * answer a cluster the caller may not read: a 403 would confirm that it exists)
     */
    async require(
      permission: ResourcePermission<typeof BUTLER_CLUSTER_RESOURCE_TYPE>,
      credentials: BackstageCredentials,
      cluster: ButlerObject,
      options: { hide?: boolean } = {},
    ): Promise<ButlerClusterResource> {
      const resource = clusterResourceOf(inventory, cluster);
      const [decision] = await permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      if (
        decision.result === AuthorizeResult.ALLOW ||
        (decision.result === AuthorizeResult.CONDITIONAL &&
          matchesButlerCluster(decision.conditions, resource))
      ) {
        return resource;
      }
      if (options.hide && decision.result === AuthorizeResult.CONDITIONAL) {
        throw new NotFoundError(
          `no TenantCluster ${resource.namespace}/${resource.name} among the clusters of your teams`,
        );
      }
      const who = auth.isPrincipal(credentials, 'user')
        ? credentials.principal.userEntityRef
        : 'the caller';
      throw new NotAllowedError(
        `${who} is not allowed ${permission.name} on TenantCluster ${resource.namespace}/${resource.name}`,
      );
    },
  };
}
