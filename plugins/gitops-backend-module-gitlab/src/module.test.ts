import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  gitopsProvidersExtensionPoint,
  type GitProviderFactory,
} from '@butler-portal/plugin-gitops-node';
import { gitopsModuleGitlabProvider } from './module';
import { gitlabProviderFactory } from './gitlabProviderFactory';

describe('gitopsModuleGitlabProvider', () => {
  it('registers the `gitlab` provider type through the gitops extension point', async () => {
    const registered: GitProviderFactory<any>[] = [];
    // stands in for the gitops backend plugin: owns the extension point, nothing else
    const gitops = createBackendPlugin({
      pluginId: 'gitops',
      register(env) {
        env.registerExtensionPoint(gitopsProvidersExtensionPoint, {
          addProviderFactory: factory => registered.push(factory),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const backend = await startTestBackend({
      features: [
        gitops,
        gitopsModuleGitlabProvider,
        mockServices.rootConfig.factory({ data: { gitops: { repositories: [] } } }),
      ],
    });
    expect(registered).toEqual([gitlabProviderFactory]);
    expect(registered[0].type).toBe('gitlab');
    await backend.stop();
  });
});
