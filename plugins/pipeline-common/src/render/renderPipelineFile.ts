/*
 * What the reconciler's Vector targets and `butler-gitops render --vector` do with a pipeline
 * file: validate it, and render it only when it has no error, so that an invalid pipeline never
 * replaces what Vector already runs.
 */
import type { PipelineIssue } from '../validation/types';
import {
  validatePipeline,
  type PipelineValidationOptions,
} from '../validation/validatePipeline';
import { renderPipeline, type RenderedPipeline } from './renderPipeline';

/** The rendered pipeline, or the errors that stopped it; warnings either way. */
export type PipelineFileRendering =
  | { ok: true; rendered: RenderedPipeline; warnings: PipelineIssue[] }
  | { ok: false; errors: PipelineIssue[]; warnings: PipelineIssue[] };

/** Validates the text of a pipeline file and renders it when it has no error. Never throws. */
export function renderPipelineFile(
  text: string,
  options: PipelineValidationOptions = {},
): PipelineFileRendering {
  const result = validatePipeline(text, options);
  if (!result.ok || !result.resource) {
    return { ok: false, errors: result.errors, warnings: result.warnings };
  }
  return {
    ok: true,
    rendered: renderPipeline(result.resource, { sourceFile: options.file }),
    warnings: result.warnings,
  };
}
