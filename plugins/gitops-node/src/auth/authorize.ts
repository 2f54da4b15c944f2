/*
 * The one permission check of the portal's backend routers: a 403 (NotAllowedError) naming the
 * user and the permission, unless the permission policy allows it.
 *
 * Resource permissions (e.g. a change on files owned by a team) come back from the policy as
 * ALLOW, DENY or a condition; `authorizeResources` applies the condition to the resources in
 * hand (every one must satisfy it) and `filterResources` keeps those that satisfy it, so a list
 * is filtered before it is sent. The caller passes the matcher of the resource type, declared
 * with its rules in a *-common package.
 */
import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  isResourcePermission,
  type BasicPermission,
  type PermissionCondition,
  type PermissionCriteria,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

export type Authorize = (
  permission: BasicPermission | ResourcePermission,
  credentials: BackstageCredentials,
  options?: {
    /**
     * for a resource permission asked without a resource (a push of a branch, a sync of a
     * whole repository): allowed when the policy allows it on some resources (a condition);
     * the files themselves are decided when the change is opened or merged
     */
    anyResource?: boolean;
  },
) => Promise<void>;

export type ResourceMatcher<T> = (
  criteria: PermissionCriteria<PermissionCondition>,
  resource: T,
) => boolean;

/** one resource → whether the decision covers it; `result` says which decision it was */
export interface ResourcePredicate<T> {
  (resource: T): boolean;
  readonly result: AuthorizeResult;
}

export interface ResourceAuthorizer {
  /** @throws NotAllowedError naming the first resource the policy's condition excludes */
  authorizeResources<T>(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    resources: readonly T[],
    match: ResourceMatcher<T>,
    describe: (resource: T) => string,
  ): Promise<void>;
  /**
   * the policy's decision as a test of one resource (ALLOW: every one, DENY: none), for a
   * listing that filters its rows before it pages them
   */
  resourcePredicate<T>(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    match: ResourceMatcher<T>,
  ): Promise<ResourcePredicate<T>>;
  /** the resources the caller may act on; @throws NotAllowedError on DENY */
  filterResources<T>(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    resources: readonly T[],
    match: ResourceMatcher<T>,
  ): Promise<T[]>;
}

interface Services {
  permissions: PermissionsService;
  /** accepted for the callers that have it; the principal's type says who calls */
  auth?: AuthService;
}

function refusal(
  _services: Services,
  credentials: BackstageCredentials,
  permission: { name: string },
  suffix = '',
) {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  const who =
    principal?.type === 'user' && principal.userEntityRef
      ? principal.userEntityRef
      : 'the caller';
  return new NotAllowedError(
    `${who} is not allowed ${permission.name}${suffix}`,
  );
}

export function createAuthorize(services: Services): Authorize {
  return async (permission, credentials, options = {}) => {
    if (isResourcePermission(permission)) {
      const [decision] = await services.permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      if (
        decision.result === AuthorizeResult.ALLOW ||
        (options.anyResource && decision.result === AuthorizeResult.CONDITIONAL)
      ) {
        return;
      }
      throw refusal(services, credentials, permission);
    }
    const [decision] = await services.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw refusal(services, credentials, permission);
    }
  };
}

export function createResourceAuthorizer(
  services: Services,
): ResourceAuthorizer {
  const decide = async (
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ) => {
    const [decision] = await services.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw refusal(services, credentials, permission);
    }
    return decision;
  };
  return {
    async authorizeResources(
      permission,
      credentials,
      resources,
      match,
      describe,
    ) {
      const decision = await decide(permission, credentials);
      if (decision.result !== AuthorizeResult.CONDITIONAL) return; // ALLOW
      for (const resource of resources) {
        if (!match(decision.conditions, resource)) {
          throw refusal(
            services,
            credentials,
            permission,
            ` on ${describe(resource)}`,
          );
        }
      }
    },
    async resourcePredicate(permission, credentials, match) {
      const [decision] = await services.permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      const test =
        decision.result === AuthorizeResult.CONDITIONAL
          ? (resource: any) => match(decision.conditions, resource)
          : () => decision.result === AuthorizeResult.ALLOW;
      return Object.assign(test, { result: decision.result });
    },
    async filterResources(permission, credentials, resources, match) {
      const decision = await decide(permission, credentials);
      if (decision.result !== AuthorizeResult.CONDITIONAL)
        return [...resources]; // ALLOW
      return resources.filter(r => match(decision.conditions, r));
    },
  };
}
