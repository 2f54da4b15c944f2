/*
 * The scaffolder module: Butler Portal's actions. The change actions talk to the gitops backend
 * over its REST API (found through discovery) on behalf of the user who runs the template;
 * butler:layout:fetch reads the same repo layouts folder the gitops backend is configured with.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createGitopsChangeAction } from './actions/gitopsChange';
import { createLayoutFetchAction, layoutsDirOf } from './actions/layoutFetch';
import { createPipelineCreateAction } from './actions/pipelineCreate';
import { createRegistryPublishAction } from './actions/registryPublish';
import { createWorkspaceCreateAction } from './actions/workspaceCreate';
import { GitopsClient } from './gitops/GitopsClient';

export const scaffolderModuleButler = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'butler',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, auth, discovery, catalog, config }) {
        const client = new GitopsClient({ auth, discovery });
        scaffolder.addActions(
          createGitopsChangeAction({ client }),
          createWorkspaceCreateAction({ client, catalog }),
          createPipelineCreateAction({ client }),
          createRegistryPublishAction({ client }),
          createLayoutFetchAction({ layoutsDir: layoutsDirOf(config) }),
        );
      },
    });
  },
});
