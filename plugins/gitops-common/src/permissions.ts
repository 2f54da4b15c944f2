/*
 * Who may do what with GitOps resources and their change requests. Approval itself is code
 * review on the Git provider; these permissions gate the portal's own actions on top of it.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** See resources and their files, pending change requests and sync status. */
export const gitopsResourceReadPermission = createPermission({
  name: 'gitops.resource.read',
  attributes: { action: 'read' },
});

/** Open a change request (a pull request adding, changing or deleting one resource file). */
export const gitopsChangeCreatePermission = createPermission({
  name: 'gitops.change.create',
  attributes: { action: 'create' },
});

/** Approve a change request or request changes on it. */
export const gitopsChangeReviewPermission = createPermission({
  name: 'gitops.change.review',
  attributes: { action: 'update' },
});

/** Merge an approved change request into the default branch. */
export const gitopsChangeMergePermission = createPermission({
  name: 'gitops.change.merge',
  attributes: { action: 'update' },
});

/** Close a change request without merging it. */
export const gitopsChangeClosePermission = createPermission({
  name: 'gitops.change.close',
  attributes: { action: 'update' },
});

/** Every GitOps permission, for registration with the permission framework. */
export const gitopsPermissions = [
  gitopsResourceReadPermission,
  gitopsChangeCreatePermission,
  gitopsChangeReviewPermission,
  gitopsChangeMergePermission,
  gitopsChangeClosePermission,
];
