/*
 * The annotations and labels the catalog module (plugins/catalog-backend-module-gitops) puts on
 * every GitOps entity, on top of the resource's own, and the frontend reads back. One definition
 * here, so writer and reader cannot drift apart. They say where the entity came from
 * (repository, file, commit), which open change requests touch it, and whether the file on the
 * default branch is currently broken.
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
/**
 * Set by the catalog module on every GitOps entity that declares an owning team: the team's
 * name, as permissionRules' declaredOwningTeam reads it from the file (owner annotation, a
 * Group spec.owner, spec.teamRef.name); absent when the file declares none, and the entity's
 * namespace (the file's) decides. The catalog's read condition matches it in its database query.
 */
export const ANNOTATION_OWNING_TEAM = 'portal.butlerlabs.dev/owning-team';
/**
 * Annotation of a Workspace naming the WorkspaceTemplate it was made from, as
 * `<namespace>/<name>` (what the create form and the scaffolder write; a bare name means the
 * workspace's own namespace). An annotation because a label value cannot hold `/`.
 */
export const ANNOTATION_TEMPLATE = 'portal.butlerlabs.dev/template';
/**
 * The label of older Workspace files naming their template by bare name (same namespace);
 * read when the annotation is absent. Same key as {@link ANNOTATION_TEMPLATE}.
 */
export const LABEL_TEMPLATE = ANNOTATION_TEMPLATE;
