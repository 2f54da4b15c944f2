/*
 * The local provider module of the gitops plugin: registers the `local` provider type and serves
 * Git smart HTTP for local repositories at /api/gitops/git/<repository>.git, so that the real
 * git client can clone, fetch and push. Modules share their plugin's HTTP router.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  createAuthorize,
  gitopsProvidersExtensionPoint,
  gitProvidersServiceRef,
  readGitopsConfig,
} from '@butler-portal/plugin-gitops-node';
import Router from 'express-promise-router';
import { createGitRoutes } from './gitRoutes';
import { LocalGitProvider } from './LocalGitProvider';
import { localProviderFactory } from './localProviderFactory';

export const gitopsModuleLocalProvider = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'local-provider',
  register(env) {
    env.registerInit({
      deps: {
        providers: gitopsProvidersExtensionPoint,
        gitProviders: gitProvidersServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        httpRouter: coreServices.httpRouter,
      },
      async init({ providers, gitProviders, config, logger, auth, permissions, httpRouter }) {
        providers.addProviderFactory(localProviderFactory);

        const gitopsConfig = readGitopsConfig(config);
        const dirs = new Map(
          gitopsConfig.repositories.flatMap(r => (r.provider === 'local' ? [[r.id, r.dir]] : [])),
        );
        const router = Router();
        router.use(
          '/git',
          createGitRoutes({
            auth,
            authorize: createAuthorize({ permissions, auth }),
            logger: logger.child({ type: 'git-smart-http' }),
            maxPushBytes: gitopsConfig.maxPushBytes,
            allowForcePushToChanges: gitopsConfig.allowForcePushToChanges,
            local: id => {
              const dir = dirs.get(id);
              const provider = dir ? gitProviders.get(id)?.provider : undefined;
              return dir && provider instanceof LocalGitProvider ? { provider, dir } : undefined;
            },
          }),
        );
        httpRouter.use(router);
        // git clients send HTTP Basic; the /git route checks the token itself
        httpRouter.addAuthPolicy({ path: '/git', allow: 'unauthenticated' });
      },
    });
  },
});
