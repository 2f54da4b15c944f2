/*
 * The render step: what a target receives for one validated resource. The Kubernetes and
 * directory targets receive the resource itself with the managed-by label; another kind of
 * target (Vector configuration, say) brings its own step, so adding one changes nothing here.
 */
import type { GitOpsResource, ResourceRef } from '@butler-portal/plugin-gitops-common';
import { withManagedByLabel } from '../targets/types';

/** Turns a validated resource into the object a target applies (a GitOpsResource-shaped object). */
export type RenderStep = (resource: GitOpsResource, ref: ResourceRef) => GitOpsResource;

/** Butler kinds: the file in Git is the object the cluster gets, plus the managed-by label. */
export const renderManifest: RenderStep = resource => withManagedByLabel(resource);
