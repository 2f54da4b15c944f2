import { registryPermissions } from './permissions';

describe('registry permissions', () => {
  it('are unique, named registry.*', () => {
    const names = registryPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'registry.artifact.read',
      'registry.token.create',
      'registry.token.revoke',
    ]);
  });
});
