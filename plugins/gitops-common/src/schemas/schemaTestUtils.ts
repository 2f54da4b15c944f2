/*
 * Shared by the schema tests: where the schemas, fixtures, CRDs and generator are, an ajv
 * set up like the portal's, and an independent reading of a CRD as JSON Schema (the oracle
 * the parity test checks our schemas against).
 */
import fs from 'fs';
import path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export type JsonSchema = { [keyword: string]: any };

/** The repository root (this file is plugins/gitops-common/src/schemas/). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The @butler-portal/schemas package, resolved like any consumer does. */
export const SCHEMAS_DIR = path.dirname(
  require.resolve('@butler-portal/schemas/package.json'),
);

export const FIXTURES_DIR = path.join(__dirname, '__fixtures__');

/** Upstream material copied into the repository (vendor/README.md names source and licence). */
export const VENDOR_DIR = path.resolve(REPO_ROOT, 'vendor');

/** What scripts/generate-crd-schemas.js exports (a plain Node script, so typed here). */
export interface CrdSchemaGenerator {
  BUTLER_API_COMMIT: string;
  DEFAULT_CRDS_DIR: string;
  OWNER_ANNOTATION: string;
  PORTAL_PATTERNS: Record<
    'gitUrl' | 'gitRef' | 'directoryName' | 'base64' | 'goDuration',
    string
  >;
  BUTLER_KINDS: Array<{
    kind: string;
    apiVersion: string;
    plural: string;
    crdName: string;
    schemaFile: string;
    name: { dnsLabel: boolean; maxLength: number; why: string };
  }>;
  generateSchemas(crdsDir?: string): Map<string, string>;
  convertOpenApiSchema(node: JsonSchema, at: string): JsonSchema;
  metadataSchema(rule: {
    dnsLabel: boolean;
    maxLength: number;
    why: string;
  }): JsonSchema;
  readCrd(
    crdsDir: string,
    kindDef: CrdSchemaGenerator['BUTLER_KINDS'][number],
  ): { file: string; crd: any };
  crdVersionSchema(
    crd: any,
    kindDef: CrdSchemaGenerator['BUTLER_KINDS'][number],
  ): JsonSchema;
}

/**
 * Loads the generator. The path is computed so that the script stays a standalone Node file
 * (run as `node scripts/generate-crd-schemas.js`) rather than a package of its own.
 */
export function loadGenerator(): CrdSchemaGenerator {
  const file = path.join(REPO_ROOT, 'scripts', 'generate-crd-schemas.js');
  return require(file) as CrdSchemaGenerator;
}

/** Where the CRDs are read from: $BUTLER_CRDS_DIR, else vendor/butler-crds. */
export function crdsDir(): string {
  const dir =
    process.env.BUTLER_CRDS_DIR ?? path.join(VENDOR_DIR, 'butler-crds');
  if (!fs.existsSync(dir)) {
    throw new Error(
      `Butler CRDs not found at ${dir}: the schema tests need them (vendor/butler-crds, or BUTLER_CRDS_DIR)`,
    );
  }
  return dir;
}

export function readSchema(file: string): JsonSchema {
  return JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8'));
}

/** Every fixture of a kind (`<kind lower>.<variant>.yaml`), parsed. */
export function readFixtures(
  kindLower: string,
): Array<{ file: string; doc: any }> {
  return fs
    .readdirSync(FIXTURES_DIR)
    .filter(f => f.startsWith(`${kindLower}.`) && f.endsWith('.yaml'))
    .sort()
    .map(file => ({
      file,
      doc: YAML.parse(fs.readFileSync(path.join(FIXTURES_DIR, file), 'utf8')),
    }));
}

export function readFixture(file: string): any {
  return YAML.parse(fs.readFileSync(path.join(FIXTURES_DIR, file), 'utf8'));
}

/** ajv as strict as it goes, with the standard formats: what a schema must survive. */
export function strictAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

/** Compact form of ajv errors for assertions: `<instancePath> <keyword>`. */
export function errorKeys(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(e => `${e.instancePath} ${e.keyword}`);
}

/** Validates and returns the error keys ([] when valid). */
export function problemsOf(validate: ValidateFunction, doc: unknown): string[] {
  return validate(doc) ? [] : errorKeys(validate.errors);
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/**
 * The CRD's openAPIV3Schema read as JSON Schema with kube-apiserver semantics, written
 * independently of scripts/generate-crd-schemas.js on purpose: an oracle that shares the
 * converter would agree with any mistake in it.
 * - undeclared fields are rejected (strict field validation), except under
 *   x-kubernetes-preserve-unknown-fields;
 * - int-or-string takes an integer or a string, the pattern applying to the string;
 * - the root metadata is whatever the CRD says (`type: object`): the apiserver checks
 *   ObjectMeta itself, which the parity test covers separately.
 */
export function crdToJsonSchema(node: JsonSchema, isRoot = true): JsonSchema {
  const out: JsonSchema = {};
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    out.anyOf = [
      { type: 'integer' },
      node.pattern
        ? { type: 'string', pattern: node.pattern }
        : { type: 'string' },
    ];
  } else {
    if (node.type) out.type = node.type;
    if (node.pattern) out.pattern = node.pattern;
  }
  for (const key of [
    'enum',
    'format',
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'minItems',
    'maxItems',
    'required',
  ]) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  if (node.items) out.items = crdToJsonSchema(node.items, false);
  if (node.properties) {
    out.properties = {};
    for (const [key, child] of Object.entries<JsonSchema>(node.properties)) {
      out.properties[key] =
        isRoot && key === 'metadata'
          ? { type: 'object' }
          : crdToJsonSchema(child, false);
    }
  }
  if (node.type === 'object') {
    if (node['x-kubernetes-preserve-unknown-fields'] === true) {
      // anything goes
    } else if (typeof node.additionalProperties === 'object') {
      out.additionalProperties = crdToJsonSchema(
        node.additionalProperties,
        false,
      );
    } else {
      out.additionalProperties = false;
    }
  }
  if (node.nullable === true) {
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** ajv for the oracle: lenient about the CRD's annotation-only formats (int64, ...). */
export function oracleAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}
