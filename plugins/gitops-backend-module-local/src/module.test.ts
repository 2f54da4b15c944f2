import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  gitopsProvidersExtensionPoint,
  type GitProviderFactory,
} from '@butler-portal/plugin-gitops-node';
import { gitopsModuleLocalProvider } from './module';
import { localProviderFactory } from './localProviderFactory';

describe('gitopsModuleLocalProvider', () => {
  it('registers the `local` provider type through the gitops extension point', async () => {
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
        gitopsModuleLocalProvider,
        mockServices.rootConfig.factory({ data: { gitops: { repositories: [] } } }),
      ],
    });
    expect(registered).toEqual([localProviderFactory]);
    expect(registered[0].type).toBe('local');
    await backend.stop();
  });
});
