/*
 * Field sets of objects, following structured-merge-diff:
 * - toFieldSet: the fields an apply configuration sets (what its manager comes to own);
 * - compareObjects: what an update added, modified and removed (what an updater owns or loses);
 * - mergeApplied: live object + apply configuration;
 * - removeFields: drop fields an applier stopped setting.
 * The shape of each node (granular or atomic map, set or map-keyed or atomic list) comes from
 * the schema; anything under x-kubernetes-preserve-unknown-fields is deduced from the value.
 */
import {
  childSchema,
  isPlainObject,
  OpenApiSchema,
  shapeOf,
} from '../schema/structural';
import {
  FieldPath,
  FieldSet,
  canonicalJson,
  fieldElement,
  keyElement,
  pathToString,
  valueElement,
} from './FieldSet';

/**
 * The set of fields an apply configuration specifies. Errors are structured-merge-diff's
 * messages (`.spec.foo: field not declared in schema`).
 */
export function toFieldSet(
  value: unknown,
  schema: OpenApiSchema,
): { set: FieldSet; errors: string[] } {
  const set = new FieldSet();
  const errors: string[] = [];
  walkFieldSet(value, schema, [], set, errors);
  return { set, errors };
}

function walkFieldSet(
  value: unknown,
  schema: OpenApiSchema,
  path: FieldPath,
  set: FieldSet,
  errors: string[],
): void {
  const shape = shapeOf(schema, value);
  if (shape.kind === 'scalar' || value === null) {
    if (path.length) set.insert(path);
    return;
  }
  if (shape.kind === 'list') {
    if (shape.listType === 'atomic' || !Array.isArray(value)) {
      set.insert(path);
      return;
    }
    value.forEach((item, index) => {
      if (shape.listType === 'set') {
        set.insert([...path, valueElement(item)]);
        return;
      }
      const missing = shape.keys.find(
        k => !isPlainObject(item) || item[k] === undefined,
      );
      if (missing !== undefined) {
        errors.push(
          `${pathToString(
            path,
          )}: element ${index}: associative list with keys has an element that omits key field "${missing}"`,
        );
        return;
      }
      const itemPath = [...path, keyElement(item, shape.keys)];
      walkFieldSet(item, schema.items ?? {}, itemPath, set, errors);
      set.insert(itemPath);
    });
    return;
  }
  if (shape.atomic || !isPlainObject(value)) {
    set.insert(path);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, fieldElement(key)];
    const sub = childSchema(schema, key);
    if (!sub) {
      errors.push(`${pathToString(childPath)}: field not declared in schema`);
      continue;
    }
    walkFieldSet(child, sub.schema, childPath, set, errors);
    if (
      child === null ||
      (isPlainObject(child) && Object.keys(child).length === 0) ||
      !sub.declared
    ) {
      set.insert(childPath);
    }
  }
}

/** Every node of a value (maps, items and leaves), for added or removed subtrees. */
function insertAll(
  value: unknown,
  schema: OpenApiSchema,
  path: FieldPath,
  set: FieldSet,
): void {
  if (path.length) set.insert(path);
  const shape = shapeOf(schema, value);
  if (shape.kind === 'list' && Array.isArray(value)) {
    if (shape.listType === 'atomic') return;
    for (const item of value) {
      if (shape.listType === 'set') {
        set.insert([...path, valueElement(item)]);
      } else if (isPlainObject(item)) {
        insertAll(
          item,
          schema.items ?? {},
          [...path, keyElement(item, shape.keys)],
          set,
        );
      }
    }
    return;
  }
  if (shape.kind === 'map' && !shape.atomic && isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const sub = childSchema(schema, key);
      if (sub) insertAll(child, sub.schema, [...path, fieldElement(key)], set);
    }
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed between two versions of an object, field by field. */
export function compareObjects(
  before: unknown,
  after: unknown,
  schema: OpenApiSchema,
): Comparison {
  const result: Comparison = {
    added: new FieldSet(),
    modified: new FieldSet(),
    removed: new FieldSet(),
  };
  compareNode(before, after, schema, [], result);
  return result;
}

function compareNode(
  before: unknown,
  after: unknown,
  schema: OpenApiSchema,
  path: FieldPath,
  result: Comparison,
): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    insertAll(after, schema, path, result.added);
    return;
  }
  if (after === undefined) {
    insertAll(before, schema, path, result.removed);
    return;
  }
  const shapeBefore = shapeOf(schema, before);
  const shapeAfter = shapeOf(schema, after);
  const sameKind =
    shapeBefore.kind === shapeAfter.kind &&
    Array.isArray(before) === Array.isArray(after) &&
    isPlainObject(before) === isPlainObject(after);
  if (!sameKind || shapeAfter.kind === 'scalar') {
    if (canonicalJson(before) !== canonicalJson(after)) {
      result.modified.insert(path);
    }
    return;
  }
  if (shapeAfter.kind === 'list') {
    const b = before as unknown[];
    const a = after as unknown[];
    if (shapeAfter.listType === 'atomic') {
      if (canonicalJson(b) !== canonicalJson(a)) result.modified.insert(path);
      return;
    }
    if (shapeAfter.listType === 'set') {
      const bs = new Set(b.map(canonicalJson));
      const as = new Set(a.map(canonicalJson));
      for (const v of a) {
        if (!bs.has(canonicalJson(v)))
          result.added.insert([...path, valueElement(v)]);
      }
      for (const v of b) {
        if (!as.has(canonicalJson(v)))
          result.removed.insert([...path, valueElement(v)]);
      }
      return;
    }
    const keys = shapeAfter.keys;
    const byKey = (items: unknown[]) =>
      new Map(
        items
          .filter(isPlainObject)
          .map(item => [keyElement(item, keys), item] as const),
      );
    const bm = byKey(b);
    const am = byKey(a);
    for (const [k, item] of am) {
      compareNode(bm.get(k), item, schema.items ?? {}, [...path, k], result);
    }
    for (const [k, item] of bm) {
      if (!am.has(k))
        insertAll(item, schema.items ?? {}, [...path, k], result.removed);
    }
    return;
  }
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  if (shapeAfter.kind === 'map' && shapeAfter.atomic) {
    if (canonicalJson(b) !== canonicalJson(a)) result.modified.insert(path);
    return;
  }
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const sub = childSchema(schema, key);
    if (!sub) continue;
    compareNode(
      b[key],
      a[key],
      sub.schema,
      [...path, fieldElement(key)],
      result,
    );
  }
}

/** The live object with an apply configuration merged in (configuration wins). */
export function mergeApplied(
  live: unknown,
  config: unknown,
  schema: OpenApiSchema,
): unknown {
  if (config === undefined) return structuredClone(live);
  if (live === undefined || live === null || config === null) {
    return structuredClone(config);
  }
  const shape = shapeOf(schema, config);
  if (shape.kind === 'scalar') return structuredClone(config);
  if (shape.kind === 'list') {
    if (
      shape.listType === 'atomic' ||
      !Array.isArray(live) ||
      !Array.isArray(config)
    ) {
      return structuredClone(config);
    }
    if (shape.listType === 'set') {
      const seen = new Set(live.map(canonicalJson));
      return [
        ...structuredClone(live),
        ...config.filter(v => !seen.has(canonicalJson(v))),
      ];
    }
    const out = structuredClone(live) as unknown[];
    for (const item of config) {
      if (!isPlainObject(item)) continue;
      const key = keyElement(item, shape.keys);
      const at = out.findIndex(
        l => isPlainObject(l) && keyElement(l, shape.keys) === key,
      );
      if (at >= 0) {
        out[at] = mergeApplied(out[at], item, schema.items ?? {});
      } else {
        out.push(structuredClone(item));
      }
    }
    return out;
  }
  if (shape.atomic || !isPlainObject(live) || !isPlainObject(config)) {
    return structuredClone(config);
  }
  const out: Record<string, unknown> = structuredClone(live);
  for (const [key, child] of Object.entries(config)) {
    const sub = childSchema(schema, key);
    out[key] = mergeApplied(live[key], child, sub?.schema ?? {});
  }
  return out;
}

/**
 * Removes the value at each path of `paths` from `object` (in place), then drops maps and
 * lists left empty by the removal unless `keep` owns them.
 */
export function removeFields(
  object: Record<string, unknown>,
  schema: OpenApiSchema,
  paths: FieldPath[],
  keep: FieldSet,
): void {
  for (const path of paths) {
    removeAt(object, schema, path, keep, []);
  }
}

function removeAt(
  node: unknown,
  schema: OpenApiSchema,
  path: FieldPath,
  keep: FieldSet,
  prefix: FieldPath,
): boolean {
  if (path.length === 0) return false;
  const [pe, ...rest] = path;
  const here = [...prefix, pe];
  if (isPlainObject(node) && pe.startsWith('f:')) {
    const key = pe.slice(2);
    if (!(key in node)) return false;
    const sub = childSchema(schema, key)?.schema ?? {};
    if (rest.length === 0) {
      delete node[key];
      return true;
    }
    const changed = removeAt(node[key], sub, rest, keep, here);
    if (changed && isEmptyContainer(node[key]) && !keep.has(here)) {
      delete node[key];
    }
    return changed;
  }
  if (Array.isArray(node)) {
    const shape = shapeOf(schema, node);
    const index = node.findIndex(item => {
      if (pe.startsWith('v:')) return valueElement(item) === pe;
      if (
        pe.startsWith('k:') &&
        shape.kind === 'list' &&
        shape.listType === 'map'
      ) {
        return isPlainObject(item) && keyElement(item, shape.keys) === pe;
      }
      if (pe.startsWith('i:')) return false;
      return false;
    });
    if (index < 0) return false;
    if (rest.length === 0) {
      node.splice(index, 1);
      return true;
    }
    return removeAt(node[index], schema.items ?? {}, rest, keep, here);
  }
  return false;
}

function isEmptyContainer(value: unknown): boolean {
  return (
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0)
  );
}
