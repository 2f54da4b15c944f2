/*
 * Herald's rules in `butler-gitops validate`: a Pipeline file is checked with pipeline-common's
 * validatePipeline (which runs the generic checks of every GitOps file first, then Vector's
 * structural checks, options against the pinned Vector schema, event-type flow and inline
 * secrets), so the CLI reports exactly the located messages the portal and the reconciler give.
 * Every other file keeps gitops-common's validate().
 */
import {
  HERALD_API_VERSION,
  validate,
  type GitOpsResource,
  type ValidationResult,
} from '@butler-portal/plugin-gitops-common';
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';

/**
 * Whether a file declares a Pipeline (a cheap look at the text; validatePipeline parses it
 * properly). By what it declares, not where it lies: another kind's file in `pipelines/` gets
 * gitops-common's message that it is in the wrong folder.
 */
export function isPipelineFile(text: string): boolean {
  return (
    /^kind:\s*["']?Pipeline["']?\s*(#.*)?$/m.test(text) &&
    text.includes(HERALD_API_VERSION)
  );
}

/**
 * validate() for any file, the Herald rules for Pipelines. Warnings (components nobody reads,
 * event types a sink drops) do not make a file invalid and are not reported here.
 */
export function validateResourceFile(
  text: string,
  repoPath?: string,
): ValidationResult {
  if (!isPipelineFile(text)) return validate(text, repoPath);
  const result = validatePipeline(text, repoPath ? { file: repoPath } : {});
  if (result.ok && result.resource) {
    return {
      ok: true,
      resource: result.resource as unknown as GitOpsResource,
      issues: [],
    };
  }
  // the CLI's report has no severity or rule: the located issue as gitops-common gives it
  return {
    ok: false,
    issues: result.errors.map(({ severity: _s, rule: _r, ...issue }) => issue),
  };
}
