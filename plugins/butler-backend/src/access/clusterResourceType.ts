/*
 * The tenant-cluster resource type registered with the permission framework, so that the
 * permission backend can answer a decision asked with a resourceRef (`<namespace>/<name>`), as a
 * page's usePermission does to show the kubeconfig button: it loads the cluster here
 * (getResources) and applies the policy's condition with this rule. The rule itself is declared
 * in butler-common (name, parameters, meaning) and applied by the same function the routes use.
 */
import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  BUTLER_CLUSTER_RESOURCE_TYPE,
  BUTLER_CLUSTER_RULES,
  butlerClusterConditions,
  matchesButlerCluster,
  type ButlerClusterResource,
} from '@butler-portal/plugin-butler-common';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';
import { clusterResourceOf } from './clusterAccess';

/** Conditions are applied in memory, to clusters in hand: there is no query form. */
type NoQuery = { teams: string[] };

const clusterResourceRef = createPermissionResourceRef<
  ButlerClusterResource,
  NoQuery
>().with({ pluginId: 'butler', resourceType: BUTLER_CLUSTER_RESOURCE_TYPE });

const isMemberOfClusterTeam = createPermissionRule<
  typeof clusterResourceRef,
  { teams: string[] }
>({
  name: BUTLER_CLUSTER_RULES.isTeamMember,
  description: "The tenant cluster's team is one of the given teams",
  resourceRef: clusterResourceRef,
  apply: (resource, params) =>
    matchesButlerCluster(
      butlerClusterConditions.isTeamMember(params),
      resource,
    ),
  toQuery: params => params,
});

export function registerClusterResourceType(
  registry: PermissionsRegistryService,
  inventory: ButlerInventory,
) {
  registry.addResourceType({
    resourceRef: clusterResourceRef,
    rules: [isMemberOfClusterTeam],
    async getResources(refs) {
      return refs.map(ref => {
        const [namespace, name, ...rest] = ref.split('/');
        if (!namespace || !name || rest.length) return undefined;
        const cluster = inventory.get('TenantCluster', name, namespace);
        return cluster ? clusterResourceOf(inventory, cluster) : undefined;
      });
    },
  });
}
