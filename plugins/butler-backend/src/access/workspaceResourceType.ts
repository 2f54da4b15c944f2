/*
 * The workspace resource type registered with the permission framework, so that the permission
 * backend can answer a decision asked with a resourceRef (`<namespace>/<name>`), as the
 * workspace page's usePermission does for Start / Stop and the terminal: it loads the live
 * Workspace here (getResources) and applies the policy's condition with these rules. The rules
 * are declared in butler-common (names, parameters, meaning) and applied by the same function
 * the routes use (access/workspaceAccess).
 */
import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  applyButlerWorkspaceRule,
  BUTLER_WORKSPACE_RESOURCE_TYPE,
  BUTLER_WORKSPACE_RULES,
  type ButlerWorkspaceResource,
} from '@butler-portal/plugin-butler-common';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';
import type { WorkspaceRuntime } from '../cluster/WorkspaceRuntime';
import { teamOfNamespace, workspaceResourceOf } from './workspaceAccess';

/** Conditions are applied in memory, to workspaces in hand: the query form is the params. */
type NoQuery = Record<string, unknown>;

const workspaceResourceRef = createPermissionResourceRef<
  ButlerWorkspaceResource,
  NoQuery
>().with({ pluginId: 'butler', resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE });

const isOwner = createPermissionRule<
  typeof workspaceResourceRef,
  { owners: string[] }
>({
  name: BUTLER_WORKSPACE_RULES.isOwner,
  description: "The workspace's owner (spec.owner) is one of the given emails",
  resourceRef: workspaceResourceRef,
  apply: (resource, params) =>
    applyButlerWorkspaceRule(BUTLER_WORKSPACE_RULES.isOwner, params, resource),
  toQuery: params => params,
});

const isTeamMember = createPermissionRule<
  typeof workspaceResourceRef,
  { teams: string[] }
>({
  name: BUTLER_WORKSPACE_RULES.isTeamMember,
  description: "The workspace's owning team is one of the given teams",
  resourceRef: workspaceResourceRef,
  apply: (resource, params) =>
    applyButlerWorkspaceRule(
      BUTLER_WORKSPACE_RULES.isTeamMember,
      params,
      resource,
    ),
  toQuery: params => params,
});

export function registerWorkspaceResourceType(
  registry: PermissionsRegistryService,
  runtime: WorkspaceRuntime,
  inventory: ButlerInventory,
) {
  registry.addResourceType({
    resourceRef: workspaceResourceRef,
    rules: [isOwner, isTeamMember],
    async getResources(refs) {
      const teams = teamOfNamespace(inventory);
      return refs.map(ref => {
        const [namespace, name, ...rest] = ref.split('/');
        if (!namespace || !name || rest.length) return undefined;
        try {
          const workspace = runtime.getWorkspace(namespace, name);
          return workspace.exists
            ? workspaceResourceOf(workspace, teams)
            : undefined;
        } catch {
          // the cluster is not there (yet): no workspace to decide on, which is a refusal
          return undefined;
        }
      });
    },
  });
}
