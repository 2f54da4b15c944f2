/*
 * The Vector component catalog of the pinned Vector version: generated from vendor/vector by
 * scripts/generate-catalog.js (never edit the JSON), read here through a typed interface.
 */
import data from './vectorCatalog.generated.json';
import type {
  ComponentKind,
  ComponentTypeInfo,
  EventType,
  VectorCatalogData,
} from './types';

/** The generated catalog. */
export const vectorCatalog: VectorCatalogData =
  data as unknown as VectorCatalogData;

/** The Vector version the catalog (and every check and rendering) is pinned to, e.g. `0.54`. */
export const VECTOR_VERSION: string = vectorCatalog.vectorVersion;

/** All event types, in the order messages list them. */
export const EVENT_TYPES: readonly EventType[] = ['logs', 'metrics', 'traces'];

/** The catalog entry of a component type, or undefined when the pinned Vector has none. */
export function findComponentType(
  kind: ComponentKind,
  type: string,
): ComponentTypeInfo | undefined {
  const key = `${kind}:${type}`;
  return Object.prototype.hasOwnProperty.call(vectorCatalog.components, key)
    ? vectorCatalog.components[key]
    : undefined;
}

/** Every component type of one kind, sorted by type: what a palette offers. */
export function componentTypesOf(kind: ComponentKind): ComponentTypeInfo[] {
  return Object.values(vectorCatalog.components)
    .filter(c => c.kind === kind)
    .sort((a, b) => a.type.localeCompare(b.type));
}

/**
 * The JSON Schema of a component type's options, self-contained (draft 2019-09, with the shared
 * definitions it refers to), for forms and editors. The definitions object is shared, not
 * copied: treat the result as read-only.
 */
export function componentOptionsSchema(
  kind: ComponentKind,
  type: string,
): Record<string, unknown> | undefined {
  const info = findComponentType(kind, type);
  if (!info) return undefined;
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    ...info.options,
    definitions: vectorCatalog.definitions,
  };
}

/**
 * What each `encoding.codec` can serialise, as Vector's `SerializerConfig::input_type` says
 * (lib/codecs/src/encoding): most codecs write the message of a log; `text` also prints
 * metrics; `json`, `native`, `native_json` and `otlp` take every event type.
 */
export const CODEC_EVENT_TYPES: Readonly<Record<string, readonly EventType[]>> =
  {
    avro: ['logs'],
    cef: ['logs'],
    csv: ['logs'],
    gelf: ['logs'],
    json: ['logs', 'metrics', 'traces'],
    logfmt: ['logs'],
    native: ['logs', 'metrics', 'traces'],
    native_json: ['logs', 'metrics', 'traces'],
    otlp: ['logs', 'metrics', 'traces'],
    protobuf: ['logs'],
    raw_message: ['logs'],
    syslog: ['logs'],
    text: ['logs', 'metrics'],
  };
