/*
 * What the catalog module (plugins/catalog-backend-module-gitops) puts on every GitOps entity,
 * read back here; the names are the ones both import from @butler-portal/plugin-gitops-common.
 */
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_OPEN_CHANGES,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_REPOSITORY,
  kindOf,
  type KindInfo,
} from '@butler-portal/plugin-gitops-common';

const ANNOTATION_VIEW_URL = 'backstage.io/view-url';
const ANNOTATION_EDIT_URL = 'backstage.io/edit-url';

/** The portal's kind of an entity; undefined for entities that are not GitOps resources. */
export function gitopsKindOf(entity: Entity): KindInfo | undefined {
  return kindOf(entity.apiVersion, entity.kind);
}

/** Entity filter of the GitOps tab and cards: only the portal's kinds, by apiVersion and kind. */
export function isGitopsEntity(entity: Entity): boolean {
  return gitopsKindOf(entity) !== undefined;
}

export interface EntitySourceInfo {
  repository?: string;
  path?: string;
  commit?: string;
  viewUrl?: string;
  editUrl?: string;
  /** ids of the open change requests touching the file */
  openChanges: string[];
}

export function entitySourceOf(entity: Entity): EntitySourceInfo {
  const annotations = entity.metadata.annotations ?? {};
  return {
    repository: annotations[ANNOTATION_SOURCE_REPOSITORY],
    path: annotations[ANNOTATION_SOURCE_PATH],
    commit: annotations[ANNOTATION_SOURCE_COMMIT],
    viewUrl: annotations[ANNOTATION_VIEW_URL],
    editUrl: annotations[ANNOTATION_EDIT_URL],
    openChanges: (annotations[ANNOTATION_OPEN_CHANGES] ?? '')
      .split(',')
      .map(id => id.trim())
      .filter(Boolean),
  };
}

/** Commits are shown by their first 8 characters, as Git hosts do. */
export const shortSha = (sha: string) => sha.slice(0, 8);

/** The resource reference of a GitOps entity (namespace defaults as in the catalog). */
export function resourceRefOf(entity: Entity) {
  return {
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
}
