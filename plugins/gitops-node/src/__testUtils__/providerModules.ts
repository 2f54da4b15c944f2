/*
 * For the provider modules' tests: which factories a module registers through the gitops
 * extension point, with a stand-in for the gitops plugin that owns the extension point.
 */
import {
  createBackendPlugin,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { GitProviderFactory } from '../service/gitProviderFactory';
import { gitopsProvidersExtensionPoint } from '../service/gitopsProvidersExtensionPoint';

export async function factoriesRegisteredBy(
  module: BackendFeature,
): Promise<GitProviderFactory<any>[]> {
  const registered: GitProviderFactory<any>[] = [];
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
      module,
      mockServices.rootConfig.factory({ data: { gitops: { repositories: [] } } }),
    ],
  });
  await backend.stop();
  return registered;
}
