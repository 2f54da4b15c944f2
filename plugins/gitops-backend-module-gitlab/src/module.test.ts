import { factoriesRegisteredBy } from '@butler-portal/plugin-gitops-node/testUtils';
import { gitopsModuleGitlabProvider } from './module';
import { gitlabProviderFactory } from './gitlabProviderFactory';

describe('gitopsModuleGitlabProvider', () => {
  it('registers the `gitlab` provider type through the gitops extension point', async () => {
    const registered = await factoriesRegisteredBy(gitopsModuleGitlabProvider);
    expect(registered).toEqual([gitlabProviderFactory]);
    expect(registered[0].type).toBe('gitlab');
  });
});
