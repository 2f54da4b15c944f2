/*
 * New resource files: the order every Kubernetes reader expects, and the codec's print style.
 */
import { Document } from 'yaml';
import { DEFAULT_PRINT_OPTIONS, quoteAmbiguousStrings } from './format';

const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA_ORDER = ['name', 'namespace', 'labels', 'annotations'];

/**
 * The YAML text of a new resource file: `apiVersion`, `kind`, `metadata` (`name`, `namespace`,
 * `labels`, `annotations` first), `spec`, then any other key in the object's own order.
 * Undefined values are left out; strings a YAML 1.1 reader would misread are quoted.
 */
export function stringifyResource(resource: Record<string, unknown>): string {
  const ordered = orderKeys(resource, TOP_LEVEL_ORDER);
  if (isPlainObject(ordered.metadata)) {
    ordered.metadata = orderKeys(ordered.metadata, METADATA_ORDER);
  }
  const doc = new Document(ordered, { version: '1.2' });
  quoteAmbiguousStrings(doc);
  return doc.toString(DEFAULT_PRINT_OPTIONS);
}

function orderKeys(
  value: Record<string, unknown>,
  first: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [...first, ...Object.keys(value)]) {
    if (!(key in out) && Object.prototype.hasOwnProperty.call(value, key)) {
      // defineProperty: an own "__proto__" key must stay a key, not become the prototype
      Object.defineProperty(out, key, {
        value: value[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
