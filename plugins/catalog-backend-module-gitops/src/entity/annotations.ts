/*
 * The annotations this module puts on every GitOps entity, on top of the resource's own. They say
 * where the entity came from (repository, file, commit), where to view and edit that file, which
 * open change requests touch it, and whether the file on the default branch is currently broken.
 */

/** configured repository id the file is read from (`gitops.repositories[].id`) */
export const ANNOTATION_SOURCE_REPOSITORY =
  'portal.butlerlabs.dev/source-repository';
/** repository-relative path of the file, e.g. `workspaces/team-a/dev.yaml` */
export const ANNOTATION_SOURCE_PATH = 'portal.butlerlabs.dev/source-path';
/**
 * Commit of the default branch the entity was read at. The file is unchanged between this
 * commit and the head the provider last processed.
 */
export const ANNOTATION_SOURCE_COMMIT = 'portal.butlerlabs.dev/source-commit';
/** open change requests touching the file: comma-separated change ids `<repository>:<number>` */
export const ANNOTATION_OPEN_CHANGES = 'portal.butlerlabs.dev/open-changes';
/**
 * Set by the provider when the file on the default branch no longer validates: the located
 * issues, one `file:line:column path: message` per line. The processor turns it into a catalog
 * processing error, so the catalog keeps serving the last valid entity, with the error in
 * `status.items`. Never part of an entity the catalog accepts.
 */
export const ANNOTATION_SOURCE_ERROR = 'portal.butlerlabs.dev/source-error';
/** team owner of Butler kinds (whose CRDs have no owner field) as an entity ref */
export const ANNOTATION_OWNER = 'portal.butlerlabs.dev/owner';
/** label of a Workspace naming its WorkspaceTemplate (same namespace) */
export const LABEL_TEMPLATE = 'portal.butlerlabs.dev/template';

/** Annotations the module adds; dropped again when an entity is turned back into its resource. */
export const MODULE_ANNOTATION_PREFIXES: readonly string[] = [
  'backstage.io/',
  ANNOTATION_SOURCE_REPOSITORY,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_OPEN_CHANGES,
  ANNOTATION_SOURCE_ERROR,
];
