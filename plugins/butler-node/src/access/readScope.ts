/*
 * A resource permission's decision as a test of the objects in hand, for every plugin that reads
 * Butler objects (butler-backend's inventory and workspace routes, the terminal): the policy
 * answers ALLOW, DENY or a condition (rules in butler-common's permissionRules), asked once per
 * request before anything is read, and the condition is applied here to each object. A list is
 * filtered by it before it is sent; a single object it excludes is "not found" (a 403 would
 * confirm that it exists). A DENY is a 403 naming the user and the permission, as every other
 * route's: it says nothing of any one object.
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

/** The policy's decision: `denied` on DENY (then `allows` holds for nothing). */
export interface ScopeDecision<R> {
  denied: boolean;
  allows: Scope<R>;
}

/** Asks the policy once; the decision as a test of one resource. */
export async function decideScope<R>(
  permissions: PermissionsService,
  permission: ResourcePermission,
  credentials: BackstageCredentials,
  match: Matcher<R>,
): Promise<ScopeDecision<R>> {
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  if (decision.result === AuthorizeResult.ALLOW) {
    return { denied: false, allows: () => true };
  }
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return {
      denied: false,
      allows: resource => match(decision.conditions, resource),
    };
  }
  return { denied: true, allows: () => false };
}

/** The message of a DENY: the user and the permission. */
export function deniedMessage(
  permission: ResourcePermission,
  credentials: BackstageCredentials,
): string {
  const principal = credentials.principal as { userEntityRef?: string };
  return `${principal?.userEntityRef ?? 'the caller'} is not allowed ${
    permission.name
  }`;
}

/** The read scope of a caller; @throws NotAllowedError on DENY */
export async function readScope<R>(
  permissions: PermissionsService,
  permission: ResourcePermission,
  credentials: BackstageCredentials,
  match: Matcher<R>,
): Promise<Scope<R>> {
  const decided = await decideScope(
    permissions,
    permission,
    credentials,
    match,
  );
  if (decided.denied) {
    throw new NotAllowedError(deniedMessage(permission, credentials));
  }
  return decided.allows;
}
