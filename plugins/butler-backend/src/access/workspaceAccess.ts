/*
 * Which live workspaces a caller may read or operate, decided by the permission policy. The
 * workspace permissions are resource permissions: the policy answers ALLOW, DENY or a condition
 * (owner, member of the owning team; rules in butler-common's permissionRules), and the condition
 * is applied here to the workspace in hand. A list is filtered by the condition before it is sent;
 * a single workspace the condition excludes is "not found" when reading (403 would confirm that
 * it exists). A plain DENY is a 403 naming the permission, as for every other route.
 */
import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  BUTLER_WORKSPACE_RESOURCE_TYPE,
  matchesButlerWorkspace,
  type ButlerWorkspaceResource,
  type LiveWorkspace,
} from '@butler-portal/plugin-butler-common';
import {
  readScope,
  type ButlerInventory,
} from '@butler-portal/plugin-butler-node';

export interface WorkspaceAccess {
  /** the workspaces the caller may see under `permission`, in order; @throws NotAllowedError on DENY */
  filter(
    permission: ResourcePermission<typeof BUTLER_WORKSPACE_RESOURCE_TYPE>,
    credentials: BackstageCredentials,
    workspaces: LiveWorkspace[],
  ): Promise<LiveWorkspace[]>;
  /** @throws NotAllowedError (or NotFoundError when `hide`) unless the caller may */
  require(
    permission: ResourcePermission<typeof BUTLER_WORKSPACE_RESOURCE_TYPE>,
    credentials: BackstageCredentials,
    workspace: LiveWorkspace,
    options?: { hide?: boolean },
  ): Promise<void>;
}

/** namespace → the Team whose status.namespace it is (the owning team of its workspaces) */
export function teamOfNamespace(
  inventory: ButlerInventory | undefined,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const t of inventory?.list('Team') ?? []) {
    const ns = t.status?.namespace;
    if (typeof ns === 'string' && ns) map.set(ns, t.metadata.name);
  }
  return map;
}

/** What the workspace rules look at: its place, owner and owning team. */
export function workspaceResourceOf(
  w: LiveWorkspace,
  teams: Map<string, string>,
): ButlerWorkspaceResource {
  return {
    namespace: w.namespace,
    name: w.name,
    ...(w.owner && { owner: w.owner }),
    ...(teams.has(w.namespace) && { team: teams.get(w.namespace) }),
  };
}

export function createWorkspaceAccess(services: {
  permissions: PermissionsService;
  auth: AuthService;
  /** the Teams, for the owning team of a namespace; absent or empty → no owning team */
  inventory?: ButlerInventory;
}): WorkspaceAccess {
  const { permissions, auth, inventory } = services;
  const resourceOf = workspaceResourceOf;

  const denied = (
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    suffix: string,
  ) => {
    const who = auth.isPrincipal(credentials, 'user')
      ? credentials.principal.userEntityRef
      : 'the caller';
    return new NotAllowedError(
      `${who} is not allowed ${permission.name}${suffix}`,
    );
  };

  return {
    async filter(permission, credentials, workspaces) {
      const scope = await readScope(
        permissions,
        permission,
        credentials,
        matchesButlerWorkspace,
      );
      const teams = teamOfNamespace(inventory);
      return workspaces.filter(w => scope(resourceOf(w, teams)));
    },

    async require(permission, credentials, workspace, options = {}) {
      const scope = await readScope(
        permissions,
        permission,
        credentials,
        matchesButlerWorkspace,
      );
      if (scope(resourceOf(workspace, teamOfNamespace(inventory)))) return;
      // a condition that excludes this workspace (a plain DENY is readScope's 403)
      const ref = `${workspace.namespace}/${workspace.name}`;
      if (options.hide) throw new NotFoundError(`workspace ${ref} not found`);
      throw denied(permission, credentials, ` on workspace ${ref}`);
    },
  };
}
