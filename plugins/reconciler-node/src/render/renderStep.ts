/*
 * The render step: what a target receives for one validated resource. The Kubernetes and
 * directory targets receive the resource itself with the managed-by label; another kind of
 * target (Vector configuration, say) brings its own step, so adding one changes nothing here.
 */
import type {
  GitOpsResource,
  ResourceRef,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import { withManagedByLabel } from '../targets/types';

/** The file a resource was read from, for steps that check more than the kind's schema. */
export interface RenderSource {
  /** repository-relative path */
  path: string;
  content: string;
  /** git blob id: the same id is the same content */
  blob?: string;
}

/**
 * Turns a validated resource into the object a target applies (a GitOpsResource-shaped object).
 * A step that refuses a resource throws {@link RenderRefusedError}: the file then counts as
 * invalid, so the target keeps what it holds for it and nothing is deleted in that sync.
 * A step depends on its arguments only: the reconciler keeps what it returns per file (path and
 * blob) and does not call it again for a file that did not change.
 */
export type RenderStep = (
  resource: GitOpsResource,
  ref: ResourceRef,
  source?: RenderSource,
) => GitOpsResource;

/** A render step's refusal of a resource, with the located issues that explain it. */
export class RenderRefusedError extends Error {
  readonly issues: ValidationIssue[];

  constructor(message: string, issues: ValidationIssue[]) {
    super(message);
    this.name = 'RenderRefusedError';
    this.issues = issues;
  }
}

/** Butler kinds: the file in Git is the object the cluster gets, plus the managed-by label. */
export const renderManifest: RenderStep = resource =>
  withManagedByLabel(resource);
