/*
 * The Herald rules on the text of one Pipeline file: what every GitOps file passes (YAML, the
 * kind's JSON Schema, no credentials, the repo-layout path), then what Vector would refuse to
 * load, each component's options against the pinned Vector schema, and the event-type flow.
 * The browser editor, the backend, the reconciler and the CLI all call this one function, so a
 * pipeline gets the same located messages everywhere.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  KIND_SCHEMAS,
  checkResourceLocation,
  findSecrets,
  kindOf,
  parseResourceYaml,
  schemaIssues,
  type ParsedYaml,
  type RepoLayout,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import { buildPipelineGraph } from '../graph/buildGraph';
import { analyseTypeFlow } from '../graph/typeFlow';
import type { PipelineResource } from '../graph/types';
import { componentOptionIssues } from './componentOptions';
import { inlineSecretFindings } from './inlineSecrets';
import type { Finding, PipelineIssue, PipelineRule } from './types';

/** Options of {@link validatePipeline}. */
export interface PipelineValidationOptions {
  /** repository-relative path of the file; when given, issues carry it and the path is checked */
  file?: string;
  /** the repository's layout, for the path check */
  layout?: RepoLayout;
  /** largest accepted file in bytes; gitops-common's default (1 MiB) otherwise */
  maxBytes?: number;
}

/** What {@link validatePipeline} found. */
export interface PipelineValidationResult {
  /** true when there is no error (warnings allowed) */
  ok: boolean;
  /** the pipeline, when `ok` */
  resource?: PipelineResource;
  /** errors, in file order */
  errors: PipelineIssue[];
  /** warnings, in file order */
  warnings: PipelineIssue[];
}

let kindValidator: ValidateFunction | undefined;

/** The Pipeline kind's JSON Schema (draft-07), compiled once per process. */
function pipelineKindValidator(): ValidateFunction {
  if (!kindValidator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    kindValidator = ajv.compile(KIND_SCHEMAS.Pipeline);
  }
  return kindValidator;
}

function tagged(
  issues: ValidationIssue[],
  rule: PipelineRule,
): PipelineIssue[] {
  return issues.map(i => ({ ...i, severity: 'error', rule }));
}

function located(findings: Finding[], yaml: ParsedYaml): PipelineIssue[] {
  return findings.map(f => ({
    path: f.pointer,
    ...yaml.locate(f.pointer, f.target),
    message: f.message,
    severity: f.severity,
    rule: f.rule,
  }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function check(
  text: string,
  options: PipelineValidationOptions,
): { issues: PipelineIssue[]; value?: Record<string, unknown> } {
  const parsed = parseResourceYaml(text, { maxBytes: options.maxBytes });
  if (!parsed.ok) return { issues: tagged(parsed.issues, 'yaml') };
  const { yaml } = parsed;
  const value = yaml.value;
  // gitops-common's credential scan, with the advice that fits a pipeline
  const issues: PipelineIssue[] = tagged(
    findSecrets(yaml, text).map(i => ({
      ...i,
      message: i.message.replace(
        'reference a Kubernetes Secret instead',
        'use a Vector secret reference, SECRET[backend.key], instead',
      ),
    })),
    'credential',
  );

  const kind = kindOf(value.apiVersion, value.kind);
  if (!kind || kind.kind !== 'Pipeline') {
    issues.push({
      path: '/kind',
      ...yaml.locate('/kind'),
      message: `kind: a pipeline file holds a Pipeline (herald.butlerlabs.dev/v1alpha1); found ${JSON.stringify(
        `${String(value.apiVersion)} ${String(value.kind)}`,
      )}`,
      severity: 'error',
      rule: 'kind-schema',
    });
    return { issues };
  }
  const validateKind = pipelineKindValidator();
  const kindIssues = validateKind(value)
    ? []
    : tagged(
        schemaIssues(validateKind.errors ?? [], KIND_SCHEMAS.Pipeline, yaml),
        'kind-schema',
      );
  if (options.file !== undefined) {
    issues.push(
      ...tagged(
        checkResourceLocation(kind, value, options.file, yaml, options.layout),
        'location',
      ),
    );
  }

  const herald: PipelineIssue[] = [];
  if (isObject(value.spec)) {
    const graph = buildPipelineGraph(value.spec);
    const flow = analyseTypeFlow(graph);
    herald.push(...located([...graph.findings, ...flow.findings], yaml));
    for (const component of graph.components) {
      herald.push(
        ...tagged(componentOptionIssues(component, yaml), 'options-schema'),
        ...located(inlineSecretFindings(component), yaml),
      );
    }
  }
  // Herald's message about a field says more than the kind schema's ("at least one source"
  // rather than "must have at least 1 field"): where both speak, Herald's stays
  const heraldPaths = new Set(herald.map(i => i.path));
  const credentialPaths = new Set(
    herald.filter(i => i.rule === 'inline-secret').map(i => i.path),
  );
  issues.splice(
    0,
    issues.length,
    ...issues.filter(
      i => !(i.rule === 'credential' && credentialPaths.has(i.path)),
    ),
    ...kindIssues.filter(i => !heraldPaths.has(i.path)),
    ...herald,
  );
  return { issues, value };
}

/**
 * Validates the text of one Pipeline file.
 *
 * @param text - the file content
 * @returns errors and warnings apart, each with the file (when given), 1-based line and column,
 *   JSON Pointer, message, severity and rule; `ok` and the resource when there is no error.
 *   Never throws.
 */
export function validatePipeline(
  text: string,
  options: PipelineValidationOptions = {},
): PipelineValidationResult {
  let issues: PipelineIssue[];
  let value: Record<string, unknown> | undefined;
  try {
    ({ issues, value } = check(text, options));
  } catch (error) {
    // every rule reports rather than throws; should one still throw, say so, never crash
    issues = [
      {
        path: '',
        line: 1,
        column: 1,
        message: `validation failed: ${String(error)}`,
        severity: 'error',
        rule: 'yaml',
      },
    ];
  }
  const { file } = options;
  const sorted = issues
    .map(i => (file === undefined ? i : { file, ...i }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = sorted.filter(i => i.severity === 'error');
  const warnings = sorted.filter(i => i.severity === 'warning');
  return errors.length === 0 && value
    ? {
        ok: true,
        resource: value as unknown as PipelineResource,
        errors,
        warnings,
      }
    : { ok: false, errors, warnings };
}
