/*
 * A form from a component type's JSON Schema (the pinned Vector schema, as the catalog keeps
 * it): the fields of its options object with their types, enums and tagged choices (Vector's
 * `oneOf` alternatives that each fix a tag such as `codec`, `format` or `strategy`), required
 * ones first and the advanced ones apart. Anything richer than the form can draw (maps,
 * lists of objects) is edited as YAML in its own field, never dropped.
 */
import {
  findComponentType,
  vectorCatalog,
  type ComponentKind,
} from '@butler-portal/plugin-pipeline-common';

type Schema = Record<string, any>;

export type FieldControl =
  | { control: 'text' }
  | { control: 'number'; integer: boolean }
  | { control: 'boolean' }
  | { control: 'select'; values: string[] }
  | { control: 'lines' }
  | { control: 'object'; form: ObjectForm }
  | { control: 'yaml' };

export interface OptionField {
  key: string;
  label: string;
  description?: string;
  required: boolean;
  advanced: boolean;
  /** an example from Vector's reference, for the placeholder */
  example?: string;
  default?: unknown;
  input: FieldControl;
}

/** A tag choosing one alternative of a tagged union (e.g. `codec`). */
export interface TagField {
  key: string;
  label: string;
  description?: string;
  values: { value: string; label: string }[];
}

export interface ObjectForm {
  tags: TagField[];
  fields: OptionField[];
}

/** Options a kind adds to every component of it: technical, shown under "Advanced". */
const KIND_ADDED = new Set(['buffer', 'healthcheck', 'proxy', 'graph', 'acknowledgements']);
const MAX_DEPTH = 3;

function deref(schema: Schema | undefined): Schema {
  let s = schema ?? {};
  const seen = new Set<string>();
  while (typeof s.$ref === 'string' && s.$ref.startsWith('#/definitions/')) {
    const name = s.$ref.slice('#/definitions/'.length);
    if (seen.has(name)) break;
    seen.add(name);
    const { $ref: _ref, ...rest } = s;
    s = { ...(vectorCatalog.definitions[name] as Schema), ...rest };
  }
  return s;
}

/** Properties and required names of an object schema, through allOf and the chosen alternatives. */
interface Collected {
  properties: Map<string, Schema>;
  required: Set<string>;
  tags: TagField[];
}

function altLabel(alt: Schema, value: string): string {
  return alt._metadata?.['docs::human_name'] ?? value;
}

/** The tag key and value of each alternative, when a oneOf is a tagged union. */
function taggedUnion(
  alternatives: Schema[],
): { key: string; values: string[] } | undefined {
  const flattened = alternatives.map(a => collectShallow(deref(a)));
  if (flattened.length === 0) return undefined;
  const candidates = [...flattened[0].keys()].filter(k =>
    flattened.every(p => typeof constOf(p.get(k)) === 'string'),
  );
  if (candidates.length === 0) return undefined;
  const key = candidates[0];
  return { key, values: flattened.map(p => constOf(p.get(key)) as string) };
}

function constOf(schema: Schema | undefined): unknown {
  if (!schema) return undefined;
  const s = deref(schema);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length === 1) return s.enum[0];
  return undefined;
}

/** Direct properties (through allOf), without descending into alternatives. */
function collectShallow(schema: Schema): Map<string, Schema> {
  const out = new Map<string, Schema>();
  const walk = (s: Schema, depth: number) => {
    if (depth > 8) return;
    for (const [k, v] of Object.entries(s.properties ?? {})) out.set(k, v as Schema);
    for (const part of s.allOf ?? []) walk(deref(part), depth + 1);
  };
  walk(schema, 0);
  return out;
}

function collect(schema: Schema, value: Record<string, unknown>): Collected {
  const result: Collected = { properties: new Map(), required: new Set(), tags: [] };
  const walk = (s: Schema, depth: number) => {
    if (depth > 8) return;
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      if (!result.properties.has(k)) result.properties.set(k, v as Schema);
    }
    for (const r of s.required ?? []) result.required.add(r);
    for (const part of s.allOf ?? []) walk(deref(part), depth + 1);
    const alternatives: Schema[] | undefined = s.oneOf ?? s.anyOf;
    if (alternatives) {
      const union = taggedUnion(alternatives);
      if (!union) return;
      result.tags.push({
        key: union.key,
        label: labelOf(collectShallow(deref(alternatives[0])).get(union.key), union.key),
        description: s.description,
        values: union.values.map((v, i) => ({ value: v, label: altLabel(deref(alternatives[i]), v) })),
      });
      result.required.add(union.key);
      const chosen = union.values.indexOf(String(value[union.key] ?? ''));
      if (chosen >= 0) walk(deref(alternatives[chosen]), depth + 1);
    }
  };
  walk(schema, 0);
  for (const tag of result.tags) result.properties.delete(tag.key);
  return result;
}

function exampleText(example: unknown): string | undefined {
  if (example === undefined) return undefined;
  return typeof example === 'string' ? example : JSON.stringify(example);
}

function labelOf(schema: Schema | undefined, key: string): string {
  return schema?._metadata?.['docs::human_name'] ?? key;
}

function typesOf(s: Schema): string[] {
  const t = s.type;
  if (!t) return [];
  return (Array.isArray(t) ? t : [t]).filter((x: string) => x !== 'null');
}

function controlFor(
  raw: Schema,
  value: unknown,
  depth: number,
): FieldControl {
  let s = deref(raw);
  if (Array.isArray(s.allOf) && s.allOf.length === 1 && !s.properties) {
    s = { ...deref(s.allOf[0]), ...s, allOf: undefined };
  }
  if (Array.isArray(s.enum) && s.enum.every((v: unknown) => typeof v === 'string')) {
    return { control: 'select', values: s.enum };
  }
  const alternatives: Schema[] | undefined = s.oneOf ?? s.anyOf;
  if (alternatives) {
    const consts = alternatives.map(a => constOf(a));
    if (consts.every(c => typeof c === 'string')) {
      return { control: 'select', values: consts as string[] };
    }
  }
  const types = typesOf(s);
  if (types.length === 1) {
    switch (types[0]) {
      case 'string':
        return { control: 'text' };
      case 'integer':
        return { control: 'number', integer: true };
      case 'number':
        return { control: 'number', integer: false };
      case 'boolean':
        return { control: 'boolean' };
      case 'array': {
        const items = deref(s.items);
        if (typesOf(items).length === 1 && typesOf(items)[0] === 'string' && !items.enum) {
          return { control: 'lines' };
        }
        return { control: 'yaml' };
      }
      default:
    }
  }
  const objectLike =
    (types.length === 0 || (types.length === 1 && types[0] === 'object')) &&
    !s.additionalProperties &&
    (s.properties || s.allOf || alternatives);
  if (objectLike && depth < MAX_DEPTH && (value === undefined || isObject(value))) {
    const form = objectForm(s, isObject(value) ? value : {}, depth + 1);
    if (form.fields.length + form.tags.length > 0) return { control: 'object', form };
  }
  return { control: 'yaml' };
}

function objectForm(
  schema: Schema,
  value: Record<string, unknown>,
  depth: number,
  extraRequired: ReadonlySet<string> = new Set(),
): ObjectForm {
  const collected = collect(schema, value);
  const fields: OptionField[] = [];
  for (const [key, raw] of collected.properties) {
    const s = deref(raw);
    const examples = raw._metadata?.['docs::examples'] ?? s._metadata?.['docs::examples'];
    const example = Array.isArray(examples) ? examples[0] : examples;
    fields.push({
      key,
      label: labelOf(raw, key) ?? labelOf(s, key),
      description: raw.title ?? raw.description ?? s.title ?? s.description,
      required: collected.required.has(key) || extraRequired.has(key),
      advanced:
        (depth === 0 && KIND_ADDED.has(key)) ||
        raw._metadata?.['docs::advanced'] === true ||
        s._metadata?.['docs::advanced'] === true,
      example: exampleText(example),
      default: raw.default ?? s.default,
      input: controlFor(raw, value[key], depth),
    });
  }
  // required first, then the rest, each in the schema's order
  fields.sort((a, b) => Number(b.required) - Number(a.required));
  return { tags: collected.tags, fields };
}

/** The form for a component's options, given their current value (it picks the alternatives). */
export function optionsForm(
  kind: ComponentKind,
  type: string,
  options: Record<string, unknown>,
): ObjectForm | undefined {
  const info = findComponentType(kind, type);
  if (!info) return undefined;
  const required = new Set(
    info.required.filter(r => !r.relevantWhen && !r.option.includes('.')).map(r => r.option),
  );
  return objectForm(info.options as Schema, options, 0, required);
}

/**
 * The options after choosing `value` for a tag: the fields only the previous alternative had are
 * removed (Vector refuses them with the new choice), the others kept.
 */
export function chooseTag(
  schema: Schema,
  options: Record<string, unknown>,
  key: string,
  value: string,
): Record<string, unknown> {
  const before = collect(schema, options);
  const next = { ...options, [key]: value };
  const after = collect(schema, next);
  for (const k of before.properties.keys()) {
    if (!after.properties.has(k)) delete next[k];
  }
  return next;
}

/** The schema of a component's options, for chooseTag. */
export function componentSchema(kind: ComponentKind, type: string): Schema | undefined {
  return findComponentType(kind, type)?.options as Schema | undefined;
}

/** The schema of a nested object field, for chooseTag inside it. */
export function fieldSchema(parent: Schema, key: string, value: Record<string, unknown>): Schema {
  return deref(collect(parent, value).properties.get(key));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
