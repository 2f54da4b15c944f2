/*
 * Reading an OpenAPI v3 structural schema the way the apiserver does for a custom resource:
 * which fields exist (pruning), what defaults apply, and how server-side apply merges and
 * tracks each node (x-kubernetes-list-type, -list-map-keys, -map-type). Built-in types use
 * the same shape, written by hand in builtinResources.ts.
 */

export interface OpenApiSchema {
  type?: string;
  description?: string;
  format?: string;
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  [keyword: string]: unknown;
}

/** Schema of anything under x-kubernetes-preserve-unknown-fields: maps granular, lists atomic. */
export const DEDUCED: OpenApiSchema = {
  'x-kubernetes-preserve-unknown-fields': true,
};

/** ObjectMeta as a structural schema: what metadata may hold and how apply tracks it. */
export const OBJECT_META_SCHEMA: OpenApiSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    selfLink: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: {
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
    },
    ownerReferences: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
      },
    },
    managedFields: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
};

/** The schema of a whole object: the resource's schema with apiVersion, kind and ObjectMeta. */
export function rootSchema(schema: OpenApiSchema): OpenApiSchema {
  return {
    ...schema,
    type: 'object',
    properties: {
      ...(schema.properties ?? {}),
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: OBJECT_META_SCHEMA,
    },
  };
}

function isDeduced(schema: OpenApiSchema): boolean {
  return (
    schema['x-kubernetes-preserve-unknown-fields'] === true &&
    schema.type === undefined &&
    schema.properties === undefined &&
    schema.items === undefined &&
    schema.additionalProperties === undefined
  );
}

export interface ChildSchema {
  schema: OpenApiSchema;
  /** a declared property (a struct field), as opposed to a map entry or an unknown kept field */
  declared: boolean;
}

const EMBEDDED_FIELDS: Record<string, OpenApiSchema> = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: OBJECT_META_SCHEMA,
};

/** The schema of `key` inside an object node, or undefined when the field is not allowed. */
export function childSchema(
  schema: OpenApiSchema,
  key: string,
): ChildSchema | undefined {
  const declared = schema.properties?.[key];
  if (declared) return { schema: declared, declared: true };
  if (schema['x-kubernetes-embedded-resource'] && EMBEDDED_FIELDS[key]) {
    return { schema: EMBEDDED_FIELDS[key], declared: true };
  }
  if (typeof schema.additionalProperties === 'object') {
    return { schema: schema.additionalProperties, declared: false };
  }
  if (
    schema['x-kubernetes-preserve-unknown-fields'] === true ||
    schema.additionalProperties === true
  ) {
    return { schema: DEDUCED, declared: false };
  }
  return undefined;
}

export type NodeShape =
  | { kind: 'scalar' }
  | { kind: 'map'; atomic: boolean }
  | { kind: 'list'; listType: 'atomic' }
  | { kind: 'list'; listType: 'set' }
  | { kind: 'list'; listType: 'map'; keys: string[] };

/** How server-side apply treats a node: scalar, map (granular or atomic) or list (by type). */
export function shapeOf(schema: OpenApiSchema, value: unknown): NodeShape {
  if (schema['x-kubernetes-int-or-string']) return { kind: 'scalar' };
  const type = isDeduced(schema)
    ? deducedType(value)
    : schema.type ?? deducedType(value);
  if (type === 'object') {
    return {
      kind: 'map',
      atomic: schema['x-kubernetes-map-type'] === 'atomic',
    };
  }
  if (type === 'array') {
    const listType = isDeduced(schema)
      ? 'atomic'
      : schema['x-kubernetes-list-type'] ?? 'atomic';
    if (listType === 'map') {
      return {
        kind: 'list',
        listType: 'map',
        keys: schema['x-kubernetes-list-map-keys'] ?? [],
      };
    }
    return { kind: 'list', listType };
  }
  return { kind: 'scalar' };
}

function deducedType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'object';
  return 'scalar';
}

export function isPlainObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `spec.items[0].name` style path, as the apiserver prints field paths. */
export function joinFieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Drops what the schema does not declare (structural pruning), and nulls in non-nullable
 * fields. Returns the pruned copy; the dotted paths of pruned unknown fields go to `unknown`.
 */
export function pruneUnknown(
  value: unknown,
  schema: OpenApiSchema,
  unknown: string[],
  path = '',
): unknown {
  if (Array.isArray(value)) {
    const items = schema.items ?? (isDeduced(schema) ? DEDUCED : undefined);
    if (!items) return value;
    return value.map((item, i) =>
      pruneUnknown(item, items, unknown, joinFieldPath(path, i)),
    );
  }
  if (!isPlainObject(value) || schema['x-kubernetes-int-or-string']) {
    return value;
  }
  if (isDeduced(schema)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = joinFieldPath(path, key);
    const sub = childSchema(schema, key);
    if (!sub) {
      unknown.push(childPath);
      continue;
    }
    if (child === null && !sub.schema.nullable) continue;
    out[key] = pruneUnknown(child, sub.schema, unknown, childPath);
  }
  return out;
}

/** Applies schema defaults to absent fields, top-down, like the apiserver's structural defaulting. */
export function applyDefaults(value: unknown, schema: OpenApiSchema): unknown {
  if (Array.isArray(value)) {
    return schema.items
      ? value.map(item => applyDefaults(item, schema.items!))
      : value;
  }
  if (!isPlainObject(value) || isDeduced(schema)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (out[key] === undefined && prop.default !== undefined) {
      out[key] = structuredClone(prop.default);
    }
  }
  for (const [key, child] of Object.entries(out)) {
    const sub = childSchema(schema, key);
    if (sub) out[key] = applyDefaults(child, sub.schema);
  }
  return out;
}
