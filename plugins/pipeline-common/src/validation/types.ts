import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';

/** How bad an issue is: errors block a change (and delivery), warnings are shown. */
export type IssueSeverity = 'error' | 'warning';

/**
 * The Herald rules, one name each, so that editors can group or explain issues. `kind-schema`
 * and `credential` come from the rules every GitOps file passes (gitops-common).
 */
export type PipelineRule =
  | 'yaml'
  | 'kind-schema'
  | 'location'
  | 'credential'
  | 'component-id'
  | 'duplicate-id'
  | 'no-source'
  | 'no-sink'
  | 'missing-inputs'
  | 'unknown-input'
  | 'input-is-sink'
  | 'duplicate-input'
  | 'unknown-output'
  | 'no-default-output'
  | 'disabled-output'
  | 'unmatched-glob'
  | 'too-large'
  | 'cycle'
  | 'reserved-output'
  | 'no-consumers'
  | 'options-schema'
  | 'type-mismatch'
  | 'type-dropped'
  | 'inline-secret';

/** A located issue, in gitops-common's shape, with its severity and rule. */
export interface PipelineIssue extends ValidationIssue {
  severity: IssueSeverity;
  rule: PipelineRule;
}

/** An issue before it is placed in the file: a JSON Pointer and which end of it to point at. */
export interface Finding {
  pointer: string;
  /** the value at `pointer`, or its mapping key */
  target: 'key' | 'value';
  severity: IssueSeverity;
  rule: PipelineRule;
  message: string;
}
