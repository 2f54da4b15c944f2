/*
 * Who may see and operate live workspaces on the management cluster. Desired state is Git's
 * (gitops permissions); these gate the runtime calls that never touch Git.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** Read the live status of workspaces (phase, conditions, SSH endpoint). */
export const butlerWorkspaceReadPermission = createPermission({
  name: 'butler.workspace.read',
  attributes: { action: 'read' },
});

/** Start or stop a workspace (a runtime annotation on the live object, not a Git change). */
export const butlerWorkspaceOperatePermission = createPermission({
  name: 'butler.workspace.operate',
  attributes: { action: 'update' },
});

/** Every Butler runtime permission, for registration with the permission framework. */
export const butlerPermissions = [
  butlerWorkspaceReadPermission,
  butlerWorkspaceOperatePermission,
];
