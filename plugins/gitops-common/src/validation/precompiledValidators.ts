/*
 * Validators compiled ahead of time, keyed by schema `$id`. Empty in the sources: the portal and
 * the tests compile each kind's schema with Ajv on first use. A single-file build (the
 * `butler-gitops` bundle, packages/gitops-cli/scripts/buildBundle.js) replaces this module with
 * Ajv's standalone code for every schema, so that a short-lived process does no schema
 * compiling at start-up. The generated code comes from the same schemas and the same Ajv set-up
 * (createSchemaCompiler in validate.ts), so both report the same errors.
 */
import type { ValidateFunction } from 'ajv';

export const PRECOMPILED_VALIDATORS: Readonly<
  Record<string, ValidateFunction | undefined>
> = {};
