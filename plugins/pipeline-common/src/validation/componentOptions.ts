/*
 * Each component's options against the JSON Schema the pinned Vector version publishes for its
 * type (draft 2019-09: `unevaluatedProperties` is how Vector forbids unknown options). One ajv
 * instance per process, created on first use; each component type's validator is compiled on
 * first use and kept, never per call.
 */
import Ajv2019, {
  type ErrorObject,
  type ValidateFunction,
} from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import {
  describePointer,
  schemaIssues,
  type ParsedYaml,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import { vectorCatalog } from '../catalog/catalog';
import type { PipelineComponent } from '../graph/types';

/** The catalog's base URI inside ajv; component schemas are reached by JSON Pointer. */
const CATALOG_ID = 'urn:butler-portal:herald:vector-catalog';

let ajv: Ajv2019 | undefined;
const compiled = new Map<string, ValidateFunction>();

function getAjv(): Ajv2019 {
  if (!ajv) {
    // strict: false, because Vector's schema carries `_metadata` annotations
    ajv = new Ajv2019({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    // generated from Vector's published schema and checked by its tests: skip the
    // meta-schema pass over 600 KiB on the first validation (noticeable in the browser)
    ajv.addSchema(
      { $id: CATALOG_ID, ...vectorCatalog },
      undefined,
      undefined,
      false,
    );
  }
  return ajv;
}

function validatorFor(component: PipelineComponent): ValidateFunction {
  const key = `${component.kind}:${component.type}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = getAjv().compile({
      $ref: `${CATALOG_ID}#/components/${encodeURIComponent(key)}/options`,
    });
    compiled.set(key, validate);
  }
  return validate;
}

type Schema = Record<string, any>;

/** Validators of single alternatives of tagged unions, compiled when first needed. */
const branchValidators = new WeakMap<Schema, ValidateFunction>();

/** The const a union alternative gives its tag (`codec: json`), directly or in an allOf part. */
function constOf(branch: Schema, tag: string): unknown {
  const direct = branch?.properties?.[tag];
  if (direct && 'const' in direct) return direct.const;
  for (const part of branch?.allOf ?? []) {
    const found = part?.properties?.[tag];
    if (found && 'const' in found) return found.const;
  }
  return undefined;
}

/** The property that tells a union's alternatives apart (`codec`, `strategy`, `type`, ...). */
function tagOf(union: Schema): string | undefined {
  const branches: Schema[] = Array.isArray(union?.oneOf) ? union.oneOf : [];
  if (branches.length < 2) return undefined;
  const candidates = new Set<string>([
    ...Object.keys(branches[0].properties ?? {}),
    ...(branches[0].allOf ?? []).flatMap((p: Schema) =>
      Object.keys(p?.properties ?? {}),
    ),
  ]);
  return [...candidates].find(tag =>
    branches.every(b => typeof constOf(b, tag) === 'string'),
  );
}

/**
 * Vector writes its enums (codecs, auth strategies, modes) as tagged unions: `oneOf` over
 * alternatives that each fix a tag. ajv then reports every alternative's failures ("missing
 * avro", "must be cef", ...). Here the tag picks the alternative: its own errors are reported,
 * or, for a tag no alternative has, the tag's allowed values.
 */
function refineTaggedUnions(errors: ErrorObject[], depth = 0): ErrorObject[] {
  let result = errors;
  const unions = errors
    .filter(e => e.keyword === 'oneOf' && tagOf(e.parentSchema as Schema))
    .sort((a, b) => a.instancePath.length - b.instancePath.length);
  const done = new Set<string>();
  for (const union of unions) {
    const path = union.instancePath;
    if (depth > 8 || done.has(path) || !result.includes(union)) continue;
    done.add(path);
    const schema = union.parentSchema as Schema;
    const tag = tagOf(schema)!;
    const data = union.data;
    if (!data || typeof data !== 'object' || Array.isArray(data)) continue;
    const under = (e: ErrorObject) =>
      e.instancePath === path || e.instancePath.startsWith(`${path}/`);
    const kept = result.filter(e => !under(e));
    const value = (data as Record<string, unknown>)[tag];
    const branches: Schema[] = schema.oneOf;
    const index = branches.findIndex(b => constOf(b, tag) === value);
    if (value === undefined || index < 0) {
      // no alternative chosen: what the union itself says about other options still holds
      kept.push(
        ...result.filter(
          e =>
            e.keyword === 'unevaluatedProperties' &&
            e.instancePath === path &&
            e.params.unevaluatedProperty !== tag,
        ),
      );
    }
    if (value === undefined) {
      kept.push({
        ...union,
        keyword: 'required',
        params: { missingProperty: tag },
      });
    } else if (index < 0) {
      kept.push({
        ...union,
        keyword: 'enum',
        instancePath: `${path}/${tag.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        params: { allowedValues: branches.map(b => constOf(b, tag)) },
        data: value,
      });
    } else {
      const branch = branches[index];
      let validate = branchValidators.get(branch);
      if (!validate) {
        // the alternative, with the union's own rule on other options, refs resolved in the
        // catalog's definitions (shared, not copied)
        validate = getAjv().compile({
          allOf: [branch],
          ...(schema.unevaluatedProperties !== undefined
            ? { unevaluatedProperties: schema.unevaluatedProperties }
            : {}),
          definitions: vectorCatalog.definitions,
        });
        branchValidators.set(branch, validate);
      }
      if (!validate(data)) {
        const inner = (validate.errors ?? []).map(e => ({
          ...e,
          instancePath: `${path}${e.instancePath}`,
          // an option left over belongs to the union: its other alternatives may know it
          ...(e.keyword === 'unevaluatedProperties' && e.instancePath === ''
            ? { parentSchema: schema }
            : {}),
        }));
        kept.push(...refineTaggedUnions(inner, depth + 1));
      }
    }
    result = kept;
  }
  return result;
}

/**
 * Option names a schema declares at its own level, through `allOf`/`oneOf`/`anyOf` and `$ref`
 * (every alternative's, so that an option of another alternative is recognised as such).
 */
function optionNames(schema: unknown, depth = 0): string[] {
  if (!schema || typeof schema !== 'object' || depth > 6) return [];
  const s = schema as Record<string, any>;
  const names = Object.keys(s.properties ?? {});
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#/definitions/')) {
    const name = s.$ref.slice('#/definitions/'.length);
    names.push(...optionNames(vectorCatalog.definitions[name], depth + 1));
  }
  for (const part of [
    ...(s.allOf ?? []),
    ...(s.oneOf ?? []),
    ...(s.anyOf ?? []),
  ]) {
    names.push(...optionNames(part, depth + 1));
  }
  return [...new Set(names)];
}

/** Options that choose between alternatives, and so rule out the other alternatives' options. */
const DISCRIMINATORS = [
  'codec',
  'strategy',
  'mode',
  'type',
  'method',
  'format',
];

/** Edit distance, for "did you mean" on a misspelt option. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length];
}

function suggestion(name: string, known: string[]): string {
  const close = known
    .map(k => ({ k, d: distance(name, k) }))
    .filter(({ d }) => d <= Math.max(1, Math.floor(name.length / 4)))
    .sort((a, b) => a.d - b.d)[0];
  return close ? `; did you mean ${JSON.stringify(close.k)}?` : '';
}

/**
 * Options of which Vector wants exactly one, checked when it loads the component rather than
 * by its schema (remap: "must provide exactly one of `source`, `file` or `files`").
 */
const EXACTLY_ONE_OF: Readonly<Record<string, readonly string[]>> = {
  'transform:remap': ['source', 'file', 'files'],
};

function exactlyOneOfIssues(
  component: PipelineComponent,
  yaml: ParsedYaml,
): ValidationIssue[] {
  const names = EXACTLY_ONE_OF[`${component.kind}:${component.type}`];
  if (!names) return [];
  const base = `${component.pointer}/options`;
  const list = names.map(n => JSON.stringify(n)).join(', ');
  const set = names.filter(n => component.options[n] !== undefined);
  if (set.length === 0) {
    return [
      {
        path: base,
        ...yaml.locate(base, 'key'),
        message: `${describePointer(base)}: ${
          component.type
        } needs exactly one of ${list}; none is set`,
      },
    ];
  }
  return set.slice(1).map(name => {
    const pointer = `${base}/${name}`;
    return {
      path: pointer,
      ...yaml.locate(pointer, 'key'),
      message: `${describePointer(pointer)}: ${JSON.stringify(
        name,
      )} cannot be set together with ${JSON.stringify(set[0])}; ${
        component.type
      } takes exactly one of ${list}`,
    };
  });
}

/**
 * Issues for one component's options, located in the file. Messages name the option path, e.g.
 * `spec.sinks.loki.options.endpoint: must be a string, found 5`.
 */
export function componentOptionIssues(
  component: PipelineComponent,
  yaml: ParsedYaml,
): ValidationIssue[] {
  if (!component.info) return []; // an unknown type: the kind's schema names the allowed ones
  const validate = validatorFor(component);
  const exclusive = exactlyOneOfIssues(component, yaml);
  if (validate(component.options)) return exclusive;
  const base = `${component.pointer}/options`;
  const errors = refineTaggedUnions(
    (validate.errors ?? []).map(
      (e): ErrorObject => ({ ...e, instancePath: `${base}${e.instancePath}` }),
    ),
  );
  // ajv's unevaluatedProperties error names no option; say which, and what was probably meant
  const issues: ValidationIssue[] = [];
  const failedBelow = (path: string) =>
    errors.some(
      e =>
        e.keyword !== 'unevaluatedProperties' &&
        (e.instancePath === path || e.instancePath.startsWith(`${path}/`)),
    );
  for (const e of errors) {
    if (e.keyword !== 'unevaluatedProperties') continue;
    const option = String(e.params.unevaluatedProperty);
    const pointer = `${e.instancePath}/${option
      .replace(/~/g, '~0')
      .replace(/\//g, '~1')}`;
    const known = optionNames(e.parentSchema);
    const data = (e.data ?? {}) as Record<string, unknown>;
    const chosen = DISCRIMINATORS.find(
      d => d !== option && typeof data[d] === 'string',
    );
    let message: string;
    if (known.includes(option) && failedBelow(e.instancePath)) {
      continue; // left unevaluated only because a sibling failed; that error explains it
    } else if (known.includes(option) && chosen) {
      // an option of another alternative: the two cannot be set together
      message = `option ${JSON.stringify(
        option,
      )} does not go with ${chosen} ${JSON.stringify(
        data[chosen],
      )}; it belongs to another ${chosen}`;
    } else {
      const where =
        e.instancePath === base
          ? ` for the ${component.type} ${component.kind}`
          : '';
      message = `unknown option ${JSON.stringify(option)}${where}${suggestion(
        option,
        known,
      )}`;
    }
    issues.push({
      path: pointer,
      ...yaml.locate(pointer, 'key'),
      message: `${describePointer(pointer)}: ${message}`,
    });
  }
  const others = errors.filter(e => e.keyword !== 'unevaluatedProperties');
  const root = {
    ...component.info.options,
    definitions: vectorCatalog.definitions,
  };
  issues.push(...schemaIssues(others, root, yaml), ...exclusive);
  return issues;
}
