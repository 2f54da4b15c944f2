/*
 * Who may do what with Herald pipelines, in the gitops-common style. Approval and merging are
 * code review (gitops-common's change permissions); these gate what the pipeline pages and the
 * editor do on top of them.
 */
import { createPermission } from '@backstage/plugin-permission-common';
import { GITOPS_RESOURCE_RESOURCE_TYPE } from '@butler-portal/plugin-gitops-common';

/**
 * See pipelines: graph, validation result, rendered Vector configuration, sync state, changes.
 * A pipeline is a GitOps file: decided on it like gitops.resource.read (its owning team's
 * members, or nobody's file), and the pipeline listing is filtered by it before it is paged.
 */
export const pipelineReadPermission = createPermission({
  name: 'pipeline.read',
  attributes: { action: 'read' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Open a change request (pull request) that creates, edits or deletes one pipeline file. */
export const pipelineChangeCreatePermission = createPermission({
  name: 'pipeline.change.create',
  attributes: { action: 'create' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Every Herald permission, for registration with the permission framework. */
export const pipelinePermissions = [
  pipelineReadPermission,
  pipelineChangeCreatePermission,
];
