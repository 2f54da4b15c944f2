/*
 * Who may see and operate live objects on the management cluster. Desired state is Git's
 * (gitops permissions: a cluster or addon change is a change request); these gate the runtime
 * calls that never touch Git.
 */
import { createPermission } from '@backstage/plugin-permission-common';
import {
  BUTLER_CLUSTER_RESOURCE_TYPE,
  BUTLER_TEAM_RESOURCE_TYPE,
  BUTLER_WORKSPACE_RESOURCE_TYPE,
} from './permissionRules';

/**
 * Read the live status of workspaces (phase, conditions, SSH endpoint). A resource permission
 * (resourceRef `<namespace>/<name>`): the policy may allow it only for some workspaces (owner,
 * owning team), and lists are filtered by the same conditions.
 */
export const butlerWorkspaceReadPermission = createPermission({
  name: 'butler.workspace.read',
  attributes: { action: 'read' },
  resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
});

/** Start or stop a workspace (a runtime annotation on the live object, not a Git change). */
export const butlerWorkspaceOperatePermission = createPermission({
  name: 'butler.workspace.operate',
  attributes: { action: 'update' },
  resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
});

/**
 * See tenant clusters (phase, version, workers, conditions). A resource permission on the
 * tenant-cluster resource type (resourceRef `<namespace>/<name>`): the policy allows it for
 * some clusters (their team's members) and the list is filtered by its condition.
 */
export const butlerClusterReadPermission = createPermission({
  name: 'butler.cluster.read',
  attributes: { action: 'read' },
  resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
});

/**
 * See TenantAddons (live status) and the addon catalog (AddonDefinitions). An addon is judged by
 * its cluster (resourceRef: the cluster's `<namespace>/<name>`), so it is seen by whoever may
 * see its cluster; the catalog by whoever may see some cluster's addons.
 */
export const butlerAddonReadPermission = createPermission({
  name: 'butler.addon.read',
  attributes: { action: 'read' },
  resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
});

/** See Teams (members, roles, limits and usage), per team (resourceRef: the Team's name). */
export const butlerTeamReadPermission = createPermission({
  name: 'butler.team.read',
  attributes: { action: 'read' },
  resourceType: BUTLER_TEAM_RESOURCE_TYPE,
});

/**
 * Open a terminal into a workspace's pod (plugins/terminal-backend). Allowed alone, the session
 * is read-only: the output is shown, keystrokes are dropped.
 */
export const butlerWorkspaceTerminalPermission = createPermission({
  name: 'butler.workspace.terminal',
  attributes: { action: 'read' },
  resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
});

/** Type into a workspace terminal (keystrokes reach the process). */
export const butlerWorkspaceTerminalWritePermission = createPermission({
  name: 'butler.workspace.terminal.write',
  attributes: { action: 'update' },
  resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
});

/** The terminal's permissions, registered by the terminal backend. */
export const butlerTerminalPermissions = [
  butlerWorkspaceTerminalPermission,
  butlerWorkspaceTerminalWritePermission,
];

/**
 * Open a terminal into a pod of a tenant cluster (plugins/terminal-backend), through the
 * cluster's kubeconfig. Allowed alone, the session is read-only (a team's viewers watch).
 */
export const butlerClusterTerminalPermission = createPermission({
  name: 'butler.cluster.terminal',
  attributes: { action: 'read' },
  resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
});

/** Type into a tenant cluster terminal (keystrokes reach the process): admins and operators. */
export const butlerClusterTerminalWritePermission = createPermission({
  name: 'butler.cluster.terminal.write',
  attributes: { action: 'update' },
  resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
});

/** The tenant-cluster terminal's permissions, registered by the terminal backend. */
export const butlerClusterTerminalPermissions = [
  butlerClusterTerminalPermission,
  butlerClusterTerminalWritePermission,
];

/**
 * Download a tenant cluster's kubeconfig (GET /api/butler/clusters/:namespace/:name/kubeconfig):
 * the credentials of the whole cluster, so for the admins and operators of the cluster's team
 * (and platform admins), decided per cluster; viewers are refused.
 */
export const butlerClusterKubeconfigPermission = createPermission({
  name: 'butler.cluster.kubeconfig',
  attributes: { action: 'read' },
  resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
});

/** Every Butler runtime permission, for registration with the permission framework. */
export const butlerPermissions = [
  butlerWorkspaceReadPermission,
  butlerWorkspaceOperatePermission,
  butlerClusterReadPermission,
  butlerAddonReadPermission,
  butlerTeamReadPermission,
  butlerClusterKubeconfigPermission,
];
