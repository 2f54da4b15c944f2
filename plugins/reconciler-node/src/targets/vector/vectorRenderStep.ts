/*
 * The render step of the Vector targets: a Pipeline file becomes the Vector configuration the
 * targets deliver. The file is checked with the Herald rules first (validatePipeline: the
 * generic checks, Vector's own structural checks, options against the pinned Vector schema,
 * event-type flow, inline secrets); a pipeline with any error is refused with its located
 * errors, which makes the file invalid for the reconciler: the target keeps the file it has for
 * that pipeline, and the commit deletes nothing, so one broken pipeline never changes what
 * Vector runs. Warnings do not block.
 */
import {
  renderedFileName,
  renderPipelineFile,
} from '@butler-portal/plugin-pipeline-common';
import {
  stringifyResource,
  type RepoLayout,
} from '@butler-portal/plugin-gitops-common';
import { BoundedMap } from '@butler-portal/plugin-gitops-node';
import { RenderRefusedError, type RenderStep } from '../../render/renderStep';
import { deliveredContent, vectorPipelineObject } from './vectorObject';

export interface VectorRenderStepOptions {
  /** the repository's layout, for the path check of the Herald rules */
  layout?: RepoLayout;
  /** rendered files kept by path and blob, so an unchanged pipeline is not rendered again (default 10,000) */
  cacheSize?: number;
}

/** Kinds a Vector target receives. */
export const VECTOR_KINDS = ['Pipeline'] as const;

/** A render step turning Pipelines into delivered Vector configuration files. */
export function vectorRenderStep(
  options: VectorRenderStepOptions = {},
): RenderStep {
  const cacheSize = options.cacheSize ?? 10_000;
  // the oldest entry goes first when full; a hit moves to the end
  const cache = new BoundedMap<
    string,
    ReturnType<RenderStep> | RenderRefusedError
  >({ maxEntries: cacheSize });
  return (resource, ref, source) => {
    if (resource.kind !== 'Pipeline') {
      throw new RenderRefusedError(
        `${resource.kind} is not delivered to Vector; only Pipelines are`,
        [],
      );
    }
    const key = source?.blob ? `${source.path}\u0000${source.blob}` : undefined;
    const cached = key ? cache.get(key) : undefined;
    if (key && cached) {
      cache.set(key, cached);
      if (cached instanceof RenderRefusedError) throw cached;
      return cached;
    }
    let outcome: ReturnType<RenderStep> | RenderRefusedError;
    const text =
      source?.content ??
      stringifyResource(resource as unknown as Record<string, unknown>);
    const rendering = renderPipelineFile(text, {
      file: source?.path,
      layout: options.layout,
    });
    if (!rendering.ok) {
      outcome = new RenderRefusedError(
        `${ref.namespace}/${ref.name} fails the Herald rules`,
        rendering.errors,
      );
    } else {
      const fileName = renderedFileName(ref.namespace, ref.name);
      outcome = vectorPipelineObject(
        ref,
        fileName,
        deliveredContent(rendering.rendered.yaml),
      );
    }
    if (key) {
      cache.set(key, outcome);
    }
    if (outcome instanceof RenderRefusedError) throw outcome;
    return outcome;
  };
}
