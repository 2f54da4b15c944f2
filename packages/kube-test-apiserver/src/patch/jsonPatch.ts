/*
 * JSON patch (RFC 6902), what `application/json-patch+json` means: add, remove, replace, move,
 * copy and test operations on JSON Pointers. A failing operation fails the whole patch.
 */

import { canonicalJson } from '../fields/FieldSet';

export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new JsonPatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], pointer: string): any {
  let node: any = doc;
  for (const token of tokens.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !(token in node)) {
      throw new JsonPatchError(`doc is missing path: "${pointer}"`);
    }
    node = node[token];
  }
  if (node === null || typeof node !== 'object') {
    throw new JsonPatchError(`doc is missing path: "${pointer}"`);
  }
  return node;
}

function arrayIndex(
  arr: unknown[],
  token: string,
  forAdd: boolean,
  pointer: string,
): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    throw new JsonPatchError(`invalid array index in "${pointer}"`);
  }
  const index = Number(token);
  if (index > arr.length || (!forAdd && index === arr.length)) {
    throw new JsonPatchError(`array index out of bounds in "${pointer}"`);
  }
  return index;
}

function get(doc: unknown, pointer: string): unknown {
  let node: any = doc;
  for (const token of parsePointer(pointer)) {
    if (node === null || typeof node !== 'object' || !(token in node)) {
      throw new JsonPatchError(`doc is missing path: "${pointer}"`);
    }
    node = node[token];
  }
  return node;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return structuredClone(value);
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    parent.splice(
      arrayIndex(parent, last, true, pointer),
      0,
      structuredClone(value),
    );
  } else {
    parent[last] = structuredClone(value);
  }
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the root');
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, false, pointer), 1);
  } else {
    if (!(last in parent)) {
      throw new JsonPatchError(
        `Unable to remove nonexistent key: ${last}: missing value`,
      );
    }
    delete parent[last];
  }
  return doc;
}

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw new JsonPatchError('a JSON patch must be an array of operations');
  }
  let doc = structuredClone(target);
  for (const raw of patch as Operation[]) {
    if (
      raw === null ||
      typeof raw !== 'object' ||
      typeof raw.path !== 'string'
    ) {
      throw new JsonPatchError(
        'each JSON patch operation needs "op" and "path"',
      );
    }
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, raw.value);
        break;
      case 'remove':
        doc = remove(doc, raw.path);
        break;
      case 'replace':
        get(doc, raw.path);
        doc =
          raw.path === ''
            ? structuredClone(raw.value)
            : add(remove(doc, raw.path), raw.path, raw.value);
        break;
      case 'move': {
        const value = get(doc, raw.from ?? '');
        doc = add(remove(doc, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, get(doc, raw.from ?? ''));
        break;
      case 'test':
        if (canonicalJson(get(doc, raw.path)) !== canonicalJson(raw.value)) {
          throw new JsonPatchError(
            `testing value ${raw.path} failed: test failed`,
          );
        }
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${JSON.stringify(raw.op)}`);
    }
  }
  return doc;
}
