import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import { createAuthorize, createResourceAuthorizer } from './authorize';

const permission = createPermission({ name: 'gitops.test.write', attributes: { action: 'create' } });

describe('createAuthorize', () => {
  it('passes when the policy allows', async () => {
    const authorize = createAuthorize({
      permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
      auth: mockServices.auth(),
    });
    await expect(authorize(permission, mockCredentials.user('user:default/alice'))).resolves.toBeUndefined();
  });

  it('refuses with a 403 naming the user and the permission when the policy denies', async () => {
    const authorize = createAuthorize({
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
      auth: mockServices.auth(),
    });
    await expect(authorize(permission, mockCredentials.user('user:default/bob'))).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'user:default/bob is not allowed gitops.test.write',
    });
    await expect(authorize(permission, mockCredentials.service())).rejects.toMatchObject({
      message: 'the caller is not allowed gitops.test.write',
    });
  });
});

describe('resource permissions', () => {
  const resourcePermission = createPermission({
    name: 'gitops.test.change',
    attributes: { action: 'update' },
    resourceType: 'test-file',
  });
  const conditional = (teams: string[]) =>
    mockServices.permissions.mock({
      authorizeConditional: async () => [
        {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'gitops',
          resourceType: 'test-file',
          conditions: { rule: 'TEAM', resourceType: 'test-file', params: { teams } },
        },
      ] as any,
    });
  const match = (criteria: any, file: { team: string }) => criteria.params.teams.includes(file.team);
  const files = [{ team: 'a' }, { team: 'b' }];

  it('applies the condition to every resource in hand, naming the first it excludes', async () => {
    const authorizer = createResourceAuthorizer({ permissions: conditional(['a']) });
    const user = mockCredentials.user('user:default/alice');
    await expect(
      authorizer.authorizeResources(resourcePermission, user, [files[0]], match, f => `file of ${f.team}`),
    ).resolves.toBeUndefined();
    await expect(
      authorizer.authorizeResources(resourcePermission, user, files, match, f => `file of ${f.team}`),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'user:default/alice is not allowed gitops.test.change on file of b',
    });
    expect(await authorizer.filterResources(resourcePermission, user, files, match)).toEqual([{ team: 'a' }]);
  });

  it('lets ALLOW through whole, refuses DENY, and takes a condition as "somewhere" only when asked', async () => {
    const user = mockCredentials.user('user:default/bob');
    const allow = createResourceAuthorizer({ permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }) });
    expect(await allow.filterResources(resourcePermission, user, files, match)).toEqual(files);
    const deny = createResourceAuthorizer({ permissions: mockServices.permissions({ result: AuthorizeResult.DENY }) });
    await expect(deny.filterResources(resourcePermission, user, files, match)).rejects.toMatchObject({
      message: 'user:default/bob is not allowed gitops.test.change',
    });
    const authorize = createAuthorize({ permissions: conditional(['a']) });
    await expect(authorize(resourcePermission, user)).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(authorize(resourcePermission, user, { anyResource: true })).resolves.toBeUndefined();
  });

  it('answers a listing with a test per row: the condition, every row on ALLOW, none on DENY', async () => {
    const user = mockCredentials.user('user:default/carol');
    const conditionalTest = await createResourceAuthorizer({ permissions: conditional(['b']) }).resourcePredicate(
      resourcePermission,
      user,
      match,
    );
    expect(files.filter(conditionalTest)).toEqual([{ team: 'b' }]);
    expect(conditionalTest.result).toBe(AuthorizeResult.CONDITIONAL);
    const allow = createResourceAuthorizer({ permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }) });
    expect(files.filter(await allow.resourcePredicate(resourcePermission, user, match))).toEqual(files);
    const deny = createResourceAuthorizer({ permissions: mockServices.permissions({ result: AuthorizeResult.DENY }) });
    expect(files.filter(await deny.resourcePredicate(resourcePermission, user, match))).toEqual([]);
  });
});
