/*
 * The GitHub provider module of the gitops plugin: registers the `github` provider type.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { gitopsProvidersExtensionPoint } from '@butler-portal/plugin-gitops-node';
import { githubProviderFactory } from './githubProviderFactory';

export const gitopsModuleGithubProvider = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'github-provider',
  register(env) {
    env.registerInit({
      deps: { providers: gitopsProvidersExtensionPoint },
      async init({ providers }) {
        providers.addProviderFactory(githubProviderFactory);
      },
    });
  },
});
