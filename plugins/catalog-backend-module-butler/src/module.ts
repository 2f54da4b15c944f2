/*
 * The catalog module: the live Butler management cluster's TenantClusters, Teams and Users as
 * Resource, Group and User entities. It reads the butler backend's shared inventory (one watch
 * per kind per backend), so adding it costs no further watches.
 *
 * A module of its own rather than part of catalog-backend-module-gitops: that module reads Git
 * (desired state, one entity per file); this one reads the cluster (live state) and has none of
 * its Git machinery, and a portal without a management cluster can leave it out.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { butlerInventoryServiceRef } from '@butler-portal/plugin-butler-node';
import { ButlerEntityProvider } from './provider/ButlerEntityProvider';

export const catalogModuleButler = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'butler',
  register(env) {
    env.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        inventory: butlerInventoryServiceRef,
      },
      async init({ catalogProcessing, logger, lifecycle, inventory }) {
        const provider = new ButlerEntityProvider({ inventory, logger });
        catalogProcessing.addEntityProvider(provider);
        lifecycle.addShutdownHook(() => provider.close());
      },
    });
  },
});
