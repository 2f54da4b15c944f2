/*
 * The permission backend module: installs ButlerPermissionPolicy in place of allow-all. Roles
 * come from the management cluster's Teams and Users when `butler.managementCluster` is
 * configured (butler-node's shared inventory: the same watches, no request per decision),
 * else from catalog Groups (CatalogRoleSource's convention). `permission.butler.platformAdmins`
 * names users who are platform admins whatever the source says: the embedded default's guest,
 * or a break-glass account.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { butlerInventoryServiceRef } from '@butler-portal/plugin-butler-node';
import { ButlerPermissionPolicy } from './policy/ButlerPermissionPolicy';
import { CatalogRoleSource } from './roles/CatalogRoleSource';
import { ClusterRoleSource } from './roles/ClusterRoleSource';

export const permissionModuleButlerPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'butler-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        inventory: butlerInventoryServiceRef,
      },
      async init({ policy, config, logger, auth, catalog, inventory }) {
        const platformAdmins =
          config.getOptionalStringArray('permission.butler.platformAdmins') ??
          [];
        const cluster = new ClusterRoleSource(inventory);
        const fromCatalog = new CatalogRoleSource(catalog, auth);
        logger.info(
          `Butler permission policy: roles from ${
            inventory.configured
              ? 'the management cluster (Teams, Users)'
              : 'catalog Groups (no butler.managementCluster)'
          }${
            platformAdmins.length
              ? `; platform admins by configuration: ${platformAdmins.join(
                  ', ',
                )}`
              : ''
          }`,
        );
        policy.setPolicy(
          new ButlerPermissionPolicy({
            roles: () => (inventory.configured ? cluster : fromCatalog),
            platformAdmins,
            logger,
          }),
        );
      },
    });
  },
});
