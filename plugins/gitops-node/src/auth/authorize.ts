/*
 * The one permission check of the portal's backend routers: a 403 (NotAllowedError) naming the
 * user and the permission, unless the permission policy allows it.
 */
import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';

export type Authorize = (
  permission: BasicPermission,
  credentials: BackstageCredentials,
) => Promise<void>;

export function createAuthorize(services: {
  permissions: PermissionsService;
  auth: AuthService;
}): Authorize {
  return async (permission, credentials) => {
    const [decision] = await services.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      const who = services.auth.isPrincipal(credentials, 'user')
        ? credentials.principal.userEntityRef
        : 'the caller';
      throw new NotAllowedError(`${who} is not allowed ${permission.name}`);
    }
  };
}
