/*
 * The annotations this module puts on every GitOps entity, on top of the resource's own. Their
 * names are defined once in @butler-portal/plugin-gitops-common, which the frontend reads them
 * back with; re-exported here because they are part of this module's API.
 */
import {
  ANNOTATION_OPEN_CHANGES,
  ANNOTATION_OWNING_TEAM,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_ERROR,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_REPOSITORY,
} from '@butler-portal/plugin-gitops-common';

export {
  ANNOTATION_OPEN_CHANGES,
  ANNOTATION_OWNER,
  ANNOTATION_OWNING_TEAM,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_ERROR,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_REPOSITORY,
  ANNOTATION_TEMPLATE,
  LABEL_TEMPLATE,
} from '@butler-portal/plugin-gitops-common';

/** Annotations the module adds; dropped again when an entity is turned back into its resource. */
/**
 * Keeper: each `spec.dependencies` range of an Artifact resolved against the merged versions,
 * as JSON `[{artifact, versionRange, resolved?, problem?}]` (`artifact` is `<namespace>/<name>`).
 */
export const ANNOTATION_RESOLVED_DEPENDENCIES =
  'keeper.butlerlabs.dev/resolved-dependencies';
/** Keeper: why ranges of an Artifact resolve to nothing, one line each; absent when all do. */
export const ANNOTATION_UNRESOLVED_DEPENDENCIES =
  'keeper.butlerlabs.dev/unresolved-dependencies';

export const MODULE_ANNOTATION_PREFIXES: readonly string[] = [
  ANNOTATION_RESOLVED_DEPENDENCIES,
  ANNOTATION_UNRESOLVED_DEPENDENCIES,
  'backstage.io/',
  ANNOTATION_SOURCE_REPOSITORY,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_OPEN_CHANGES,
  ANNOTATION_SOURCE_ERROR,
  ANNOTATION_OWNING_TEAM,
];
