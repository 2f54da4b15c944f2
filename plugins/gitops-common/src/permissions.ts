/*
 * Who may do what with GitOps resources and their change requests. Approval itself is code
 * review on the Git provider; these permissions gate the portal's own actions on top of it.
 * Reading and the change permissions are resource permissions on the files, decided by the
 * user's role in each file's owning team (permissionRules.ts).
 */
import { createPermission } from '@backstage/plugin-permission-common';
import { GITOPS_RESOURCE_RESOURCE_TYPE } from './permissionRules';

/**
 * See resources and their files, pending change requests and sync status; a resource
 * permission on each file (its owning team's members, and files no team owns), so lists are
 * filtered by the policy's condition before they are paged.
 */
export const gitopsResourceReadPermission = createPermission({
  name: 'gitops.resource.read',
  attributes: { action: 'read' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Open a change request (a pull request adding, changing or deleting one resource file). */
export const gitopsChangeCreatePermission = createPermission({
  name: 'gitops.change.create',
  attributes: { action: 'create' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Approve a change request or request changes on it. */
export const gitopsChangeReviewPermission = createPermission({
  name: 'gitops.change.review',
  attributes: { action: 'update' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Merge an approved change request into the default branch. */
export const gitopsChangeMergePermission = createPermission({
  name: 'gitops.change.merge',
  attributes: { action: 'update' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Close a change request without merging it. */
export const gitopsChangeClosePermission = createPermission({
  name: 'gitops.change.close',
  attributes: { action: 'update' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Every GitOps permission, for registration with the permission framework. */
export const gitopsPermissions = [
  gitopsResourceReadPermission,
  gitopsChangeCreatePermission,
  gitopsChangeReviewPermission,
  gitopsChangeMergePermission,
  gitopsChangeClosePermission,
];
