/*
 * The GitLab provider module of the gitops plugin: registers the `gitlab` provider type.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { gitopsProvidersExtensionPoint } from '@butler-portal/plugin-gitops-node';
import { gitlabProviderFactory } from './gitlabProviderFactory';

export const gitopsModuleGitlabProvider = createBackendModule({
  pluginId: 'gitops',
  moduleId: 'gitlab-provider',
  register(env) {
    env.registerInit({
      deps: { providers: gitopsProvidersExtensionPoint },
      async init({ providers }) {
        providers.addProviderFactory(gitlabProviderFactory);
      },
    });
  },
});
