/*
 * Validation of objects against a resource's OpenAPI v3 schema, with the apiserver's error
 * shape (422 Invalid, one cause per field). The OpenAPI -> JSON Schema translation is the
 * repository's own (scripts/generate-crd-schemas.js, which also generates the portal's
 * schemas), so the test server and the portal read a CRD the same way; ajv does the checking.
 * CEL rules (x-kubernetes-validations) are not evaluated.
 */
import path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { FieldError } from '../api/status';
import { joinFieldPath, OpenApiSchema } from './structural';

type JsonSchema = Record<string, unknown>;

interface Converter {
  convertOpenApiSchema(node: JsonSchema, at: string): JsonSchema;
}

/** The repository root: this package is packages/kube-test-apiserver. */
const REPO_ROOT = path.resolve(
  path.dirname(
    require.resolve('@butler-portal/kube-test-apiserver/package.json'),
  ),
  '..',
  '..',
);

let converter: Converter | undefined;

/**
 * The converter of scripts/generate-crd-schemas.js. The path is computed so that the script
 * stays a standalone Node file, as plugins/gitops-common's schema tests load it.
 */
function loadConverter(): Converter {
  if (!converter) {
    converter = require(path.join(
      REPO_ROOT,
      'scripts',
      'generate-crd-schemas.js',
    )) as Converter;
  }
  return converter;
}

/**
 * Keywords the converter refuses because they are not validation it can express: CEL rules
 * are skipped (documented gap), and embedded resources get their implicit fields declared.
 */
function withoutUntranslatable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutUntranslatable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-kubernetes-validations') continue;
    if (key === 'x-kubernetes-embedded-resource') continue;
    if (
      key === 'properties' ||
      key === 'default' ||
      key === 'example' ||
      key === 'enum'
    ) {
      out[key] =
        key === 'properties'
          ? Object.fromEntries(
              Object.entries(value as Record<string, unknown>).map(([k, v]) => [
                k,
                withoutUntranslatable(v),
              ]),
            )
          : value;
      continue;
    }
    out[key] = withoutUntranslatable(value);
  }
  const schema = node as OpenApiSchema;
  if (schema['x-kubernetes-embedded-resource']) {
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
      },
      ...((out.properties as object) ?? {}),
    };
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// One compiled validator per distinct schema: servers come and go in tests, CRDs repeat.
const compiled = new Map<string, ValidateFunction>();

/** Compiles the validator of a resource schema (root: apiVersion, kind, metadata, spec, ...). */
export function compileValidator(
  schema: OpenApiSchema,
  at: string,
): ValidateFunction {
  const cacheKey = JSON.stringify(schema);
  const cached = compiled.get(cacheKey);
  if (cached) return cached;
  const converted = loadConverter().convertOpenApiSchema(
    withoutUntranslatable({
      ...schema,
      properties: {
        ...(schema.properties ?? {}),
        metadata: { type: 'object' },
      },
    }) as JsonSchema,
    at,
  );
  const props = (converted.properties ?? {}) as Record<string, unknown>;
  // ObjectMeta is checked by objectMeta.ts; the CRD only says `type: object`.
  props.metadata = { type: 'object' };
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  const validate = ajv.compile({ ...converted, properties: props });
  compiled.set(cacheKey, validate);
  return validate;
}

function pointerToFieldPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<string>(
      (acc, seg) => joinFieldPath(acc, /^\d+$/.test(seg) ? Number(seg) : seg),
      '',
    );
}

function valueAt(root: unknown, pointer: string): unknown {
  let node: any = root;
  for (const seg of pointer.split('/').slice(1)) {
    node = node?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Go-style rendering of a value in a message (`"text"`, `5`, `map[...]`). */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[]interface {}{...}`;
  if (typeof value === 'object') return 'map[string]interface {}{...}';
  return String(value);
}

/** kube-openapi's wording of a bound ("should be greater than or equal to 1"). */
function boundMessage(e: ErrorObject): string {
  const p = e.params as any;
  switch (e.keyword) {
    case 'minimum':
      return `should be greater than or equal to ${p.limit}`;
    case 'maximum':
      return `should be less than or equal to ${p.limit}`;
    case 'exclusiveMinimum':
      return `should be greater than ${p.limit}`;
    case 'exclusiveMaximum':
      return `should be less than ${p.limit}`;
    case 'minLength':
      return `should be at least ${p.limit} chars long`;
    case 'maxLength':
      return `should be at most ${p.limit} chars long`;
    case 'minItems':
      return `should have at least ${p.limit} items`;
    case 'maxItems':
      return `should have at most ${p.limit} items`;
    case 'minProperties':
      return `should have at least ${p.limit} properties`;
    case 'maxProperties':
      return `should have at most ${p.limit} properties`;
    case 'multipleOf':
      return `should be a multiple of ${p.multipleOf}`;
    default:
      return "shouldn't contain duplicates";
  }
}

/** The apiserver's field errors for ajv's findings. */
export function toFieldErrors(
  errors: ErrorObject[],
  object: unknown,
): FieldError[] {
  // An int-or-string (anyOf) failure is one error: prefer the matching branch's own complaint.
  const anyOfAt = new Set(
    errors.filter(e => e.keyword === 'anyOf').map(e => e.instancePath),
  );
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (anyOfAt.has(e.instancePath) && e.keyword === 'type') continue;
    if (e.keyword === 'anyOf') {
      const branchErrors = errors.filter(
        x =>
          x.instancePath === e.instancePath &&
          x.keyword !== 'type' &&
          x.keyword !== 'anyOf' &&
          x.schemaPath.startsWith(e.schemaPath),
      );
      if (branchErrors.length > 0) continue;
    }
    const value = valueAt(object, e.instancePath);
    let field = pointerToFieldPath(e.instancePath);
    let error: FieldError;
    switch (e.keyword) {
      case 'required':
        field = joinFieldPath(field, (e.params as any).missingProperty);
        error = {
          field,
          reason: 'FieldValueRequired',
          message: 'Required value',
        };
        break;
      case 'type':
        error = {
          field,
          reason: 'FieldValueTypeInvalid',
          message: `Invalid value: ${show(
            value,
          )}: ${field} in body must be of type ${
            (e.params as any).type
          }: ${show(value)}`,
        };
        break;
      case 'anyOf':
        error = {
          field,
          reason: 'FieldValueTypeInvalid',
          message: `Invalid value: ${show(
            value,
          )}: ${field} in body must be of type integer or string: ${show(
            value,
          )}`,
        };
        break;
      case 'enum':
        error = {
          field,
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${show(value)}: supported values: ${(
            (e.params as any).allowedValues as unknown[]
          )
            .map(show)
            .join(', ')}`,
        };
        break;
      case 'pattern':
        error = {
          field,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${show(
            value,
          )}: ${field} in body should match '${(e.params as any).pattern}'`,
        };
        break;
      case 'format':
        error = {
          field,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${show(
            value,
          )}: ${field} in body must be of type ${
            (e.params as any).format
          }: ${show(value)}`,
        };
        break;
      case 'additionalProperties':
        field = joinFieldPath(field, (e.params as any).additionalProperty);
        error = {
          field,
          reason: 'FieldValueInvalid',
          message: 'Invalid value: field not declared in schema',
        };
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'minProperties':
      case 'maxProperties':
      case 'multipleOf':
      case 'uniqueItems':
        error = {
          field,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${show(
            value,
          )}: ${field} in body ${boundMessage(e)}`,
        };
        break;
      default:
        error = {
          field,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${show(value)}: ${field} in body ${
            e.message
          }`,
        };
    }
    const key = `${error.field}|${error.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(error);
    }
  }
  return out;
}
