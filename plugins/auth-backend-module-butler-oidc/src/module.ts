/*
 * The auth module: registers the `butler` sign-in provider (butlerOidcProvider) and
 * GET /api/auth/identity-provider/status (which IdentityProvider, Ready or why not; no secret),
 * for the sign-in page and operators. The provider is mounted only where app-config lists it
 * (`auth.providers.butler: {}` is enough: the IdentityProvider supplies the rest).
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { authProvidersExtensionPoint } from '@backstage/plugin-auth-node';
import {
  loadKubeConfig,
  type KubeConfigSource,
} from '@butler-portal/kube-node';
import Router from 'express-promise-router';
import path from 'path';
import {
  IdentityProviderSource,
  type IdentityProviderStatus,
} from './identityProvider/IdentityProviderSource';
import {
  createButlerOidcProviderFactory,
  type SettingsSource,
} from './provider/butlerOidcProvider';

export const PROVIDER_ID = 'butler';

export const authModuleButlerOidc = createBackendModule({
  pluginId: 'auth',
  moduleId: 'butler-oidc',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
      },
      async init({ providers, config, logger, lifecycle, httpRouter }) {
        const providerConfig = config.getOptionalConfig(
          `auth.providers.${PROVIDER_ID}`,
        );
        let source: SettingsSource;
        if (!providerConfig) {
          // not enabled: no polling of the cluster; the status says how to enable it
          const status: IdentityProviderStatus = {
            phase: 'NotFound',
            reason: `sign-in from the IdentityProvider is not enabled (auth.providers.${PROVIDER_ID})`,
          };
          source = { settings: () => undefined, status: () => status };
        } else if (config.has('butler.managementCluster')) {
          const c = config.getConfig('butler.managementCluster');
          const kubeconfigPath = c.getOptionalString('kubeconfigPath');
          const cluster: KubeConfigSource = {
            ...(kubeconfigPath && {
              kubeconfigPath: path.resolve(kubeconfigPath),
            }),
            ...(c.has('context') && { context: c.getString('context') }),
            ...(c.has('inCluster') && { inCluster: c.getBoolean('inCluster') }),
          };
          const watcher = new IdentityProviderSource({
            kubeConfig: loadKubeConfig(cluster),
            logger,
            name: providerConfig?.getOptionalString('identityProvider'),
            intervalMs: providerConfig?.getOptionalNumber(
              'refreshIntervalSeconds',
            )
              ? providerConfig.getNumber('refreshIntervalSeconds') * 1000
              : undefined,
          });
          // not awaited: an unreachable cluster must not hold up the backend's start
          lifecycle.addStartupHook(() => {
            void watcher.start();
          });
          lifecycle.addShutdownHook(() => watcher.stop());
          source = watcher;
        } else {
          const status: IdentityProviderStatus = {
            phase: 'NotFound',
            reason:
              'no management cluster is configured (butler.managementCluster)',
          };
          source = { settings: () => undefined, status: () => status };
        }
        providers.registerProvider({
          providerId: PROVIDER_ID,
          factory: createButlerOidcProviderFactory(source),
        });
        const router = Router();
        router.get('/identity-provider/status', (_req, res) => {
          res.json(source.status());
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({
          path: '/identity-provider/status',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
