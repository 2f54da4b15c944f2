/*
 * A PermissionsService answered by the portal's real policy (permission-backend-module-butler,
 * roles from the given inventory), as the permission backend would answer the butler plugin:
 * ALLOW, DENY, or the policy's condition for a resource permission asked without a resource.
 * `allowed` refuses every other permission outright (to see a route's 403).
 */
import type {
  BackstageCredentials,
  BackstageUserInfo,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type Permission,
} from '@backstage/plugin-permission-common';
// the routes' answers are the real policy's (test code only)
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  ButlerPermissionPolicy,
  ClusterRoleSource,
} from '@butler-portal/plugin-permission-backend-module-butler';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';

export function policyPermissions(
  inventory: ButlerInventory,
  options: {
    userInfo?: (
      credentials: BackstageCredentials,
    ) => Promise<BackstageUserInfo>;
    allowed?: string[];
  } = {},
) {
  const policy = new ButlerPermissionPolicy({
    roles: () => new ClusterRoleSource(inventory),
  });
  const userInfo =
    options.userInfo ??
    (async (credentials: BackstageCredentials) => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref] };
    });
  const decide = async (
    permission: Permission,
    credentials: BackstageCredentials,
  ) => {
    if (options.allowed && !options.allowed.includes(permission.name)) {
      return { result: AuthorizeResult.DENY };
    }
    return policy.handle(
      { permission },
      { credentials, info: await userInfo(credentials) },
    );
  };
  return mockServices.permissions.mock({
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(async r => {
          const d = await decide(r.permission, credentials);
          // a condition without the resource is no answer to authorize
          return {
            result:
              d.result === AuthorizeResult.ALLOW
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }),
      ) as any,
    authorizeConditional: async (queries, { credentials }) =>
      Promise.all(queries.map(q => decide(q.permission, credentials))) as any,
  });
}
