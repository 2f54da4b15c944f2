/*
 * The one place the CLI validates a file's text, in the main thread and in validation workers
 * alike (validateInParallel.ts), so a rule added here applies everywhere the CLI checks.
 *
 * Herald: Pipelines get pipeline-common's rules through pipelineCheck.ts
 * (`validateResourceFile`: validatePipeline for `kind: Pipeline`, gitops-common's validate()
 * for the rest). pipeline-common compiles its Ajv validators (the Pipeline schema, each used
 * component type's options) on the first Pipeline, not at start-up; moving them into the
 * precompiled set (scripts/buildBundle.js: PRECOMPILED_MODULES, precompiledValidatorsSource's
 * extraSchemas) would spare that first compile in the single-file build.
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
