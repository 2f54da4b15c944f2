/*
 * What a caller may read of the inventory, as the permission policy decides it: the cluster,
 * addon and team read permissions are resource permissions, answered ALLOW, DENY or a condition
 * (rules in butler-common's permissionRules: the cluster's team, the team itself). The decision
 * is asked once per request, before anything is read, and becomes a predicate applied to the
 * objects in hand, so a list is filtered by the policy's own condition before it is sent and a
 * single object it excludes is "not found". A DENY is a 403 naming the user and the permission,
 * as every other route's.
 */
import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type PermissionCondition,
  type PermissionCriteria,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

export type Matcher<R> = (
  criteria: PermissionCriteria<PermissionCondition>,
  resource: R,
) => boolean;

/** Whether the caller may read one resource (the policy's condition, applied here). */
export type Scope<R> = (resource: R) => boolean;

export async function readScope<R>(
  permissions: PermissionsService,
  permission: ResourcePermission,
  credentials: BackstageCredentials,
  match: Matcher<R>,
): Promise<Scope<R>> {
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  if (decision.result === AuthorizeResult.ALLOW) return () => true;
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return resource => match(decision.conditions, resource);
  }
  const principal = credentials.principal as { userEntityRef?: string };
  throw new NotAllowedError(
    `${principal?.userEntityRef ?? 'the caller'} is not allowed ${
      permission.name
    }`,
  );
}
