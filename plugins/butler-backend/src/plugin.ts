/*
 * The butler backend plugin: authenticated access to the Butler management cluster for what
 * only the cluster knows (live Workspace status; tenant clusters, addons, the addon catalog,
 * teams and users, each kept by a watch and shown per team) and the runtime operations that
 * are not Git changes (start/stop). Without `butler.managementCluster` it serves 503 with
 * the reason; the watch starts with the backend and stops on shutdown.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { butlerPermissions } from '@butler-portal/plugin-butler-common';
import {
  loadKubeConfig,
  type KubeConfigSource,
} from '@butler-portal/kube-node';
import {
  butlerInventoryServiceRef,
  readButlerConfig,
  TenantKubeconfigReader,
} from '@butler-portal/plugin-butler-node';
import { registerClusterResourceType } from './access/clusterResourceType';
import { registerTeamResourceType } from './access/teamResourceType';
import { registerWorkspaceResourceType } from './access/workspaceResourceType';
import { createWorkspaceRuntime } from './cluster/createWorkspaceRuntime';
import { createInventoryRouter } from './router/inventoryRouter';
import { createKubeconfigRouter } from './router/kubeconfigRouter';
import { createRouter } from './router/createRouter';

export const butlerPlugin = createBackendPlugin({
  pluginId: 'butler',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        // shared with the catalog module: one watch per kind per backend
        inventory: butlerInventoryServiceRef,
      },
      async init(deps) {
        const butlerConfig = readButlerConfig(deps.rootConfig);
        const runtime = createWorkspaceRuntime(butlerConfig, deps.logger);
        deps.permissionsRegistry.addPermissions(butlerPermissions);
        // the resource types, so that a page's usePermission with a resourceRef is answered
        registerClusterResourceType(deps.permissionsRegistry, deps.inventory);
        registerTeamResourceType(deps.permissionsRegistry, deps.inventory);
        registerWorkspaceResourceType(
          deps.permissionsRegistry,
          runtime,
          deps.inventory,
        );
        // not awaited: a slow or hanging cluster must not hold up the backend's start; until
        // the first list succeeds /status says "connecting"
        deps.lifecycle.addStartupHook(() => {
          void runtime.start();
        });
        deps.lifecycle.addShutdownHook(() => runtime.stop());
        deps.httpRouter.use(
          await createRouter({
            runtime,
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            inventory: deps.inventory,
          }),
        );
        deps.httpRouter.use(
          await createInventoryRouter({
            inventory: deps.inventory,
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            userInfo: deps.userInfo,
          }),
        );
        deps.httpRouter.use(
          await createKubeconfigRouter({
            inventory: deps.inventory,
            kubeconfigs: tenantKubeconfigs(butlerConfig.managementCluster),
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            auditor: deps.auditor,
          }),
        );
      },
    });
  },
});

/** The reader of tenant kubeconfigs; none when the cluster's kubeconfig cannot be loaded
 * (the runtime and the inventory already report why). */
function tenantKubeconfigs(
  source: KubeConfigSource | undefined,
): TenantKubeconfigReader | undefined {
  if (!source) return undefined;
  try {
    return new TenantKubeconfigReader(loadKubeConfig(source));
  } catch {
    return undefined;
  }
}
