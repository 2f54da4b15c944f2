import { factoriesRegisteredBy } from '@butler-portal/plugin-gitops-node/testUtils';
import { gitopsModuleGithubProvider } from './module';
import { githubProviderFactory } from './githubProviderFactory';

describe('gitopsModuleGithubProvider', () => {
  it('registers the `github` provider type through the gitops extension point', async () => {
    const registered = await factoriesRegisteredBy(gitopsModuleGithubProvider);
    expect(registered).toEqual([githubProviderFactory]);
    expect(registered[0].type).toBe('github');
  });
});
