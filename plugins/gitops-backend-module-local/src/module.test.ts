import { factoriesRegisteredBy } from '@butler-portal/plugin-gitops-node/testUtils';
import { gitopsModuleLocalProvider } from './module';
import { localProviderFactory } from './localProviderFactory';

describe('gitopsModuleLocalProvider', () => {
  it('registers the `local` provider type through the gitops extension point', async () => {
    const registered = await factoriesRegisteredBy(gitopsModuleLocalProvider);
    expect(registered).toEqual([localProviderFactory]);
    expect(registered[0].type).toBe('local');
  });
});
