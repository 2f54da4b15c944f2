import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import { createAuthorize } from './authorize';

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
