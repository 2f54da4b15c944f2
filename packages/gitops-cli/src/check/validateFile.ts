/*
 * The one place the CLI validates a file's text, in the main thread and in validation workers
 * alike (validateInParallel.ts), so a rule added here applies everywhere the CLI checks.
 *
 * Seam for Herald: when `@butler-portal/plugin-pipeline-common` provides its pipeline validation
 * (graph, event types, component options), call it here for `kind: Pipeline` after gitops-common's
 * validate() and merge its issues, as the portal's change service does. Its JSON Schemas then
 * belong in the precompiled set (scripts/buildBundle.js, PRECOMPILED_MODULES and
 * precompiledValidatorsSource's extraSchemas), so that the bundle still compiles none at start.
 */
import {
  validate,
  type ValidationResult,
} from '@butler-portal/plugin-gitops-common';

/** One file to validate: its text and, in a kind folder, its repository path. */
export interface ValidationJob {
  text: string;
  repoPath?: string;
}

export function validateFile(job: ValidationJob): ValidationResult {
  return validate(job.text, job.repoPath);
}
