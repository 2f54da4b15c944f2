/*
 * The one place the CLI validates a file's text, in the main thread and in validation workers
 * alike (validateInParallel.ts), so a rule added here applies everywhere the CLI checks.
 *
 * Seam for Herald: pipeline-common's rules for `kind: Pipeline` plug in here; pipelineCheck.ts
 * already has the dispatch (`validateResourceFile(text, repoPath)`: validatePipeline for
 * Pipelines, gitops-common's validate() for the rest), so wiring it is making this function
 * return `validateResourceFile(job.text, job.repoPath)`. Any JSON Schema it compiles with Ajv at
 * run time then belongs in the precompiled set too (scripts/buildBundle.js: PRECOMPILED_MODULES,
 * and precompiledValidatorsSource's extraSchemas), so that the bundle still compiles none at
 * start-up.
 */
import type { ValidationResult } from '@butler-portal/plugin-gitops-common';
import { validateResourceFile } from './pipelineCheck';

/** One file to validate: its text and, in a kind folder, its repository path. */
export interface ValidationJob {
  text: string;
  repoPath?: string;
}

export function validateFile(job: ValidationJob): ValidationResult {
  // Herald's rules for Pipelines, gitops-common's validate() for everything else
  return validateResourceFile(job.text, job.repoPath);
}
