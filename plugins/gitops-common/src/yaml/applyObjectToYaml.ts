/*
 * The codec for edits: a form (or an API client) says what the resource should look like; the
 * file in Git keeps its comments, key order and formatting, and only the fields that changed
 * change. Changing one field yields a one-line diff in the pull request.
 */
import { InputError } from '@backstage/errors';
import {
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node,
} from 'yaml';
import type { ValidationIssue } from '../kinds/types';
import { detectPrintOptions, quoteAmbiguousStrings } from './format';
import { mergeEditIntoOriginal } from './lineMerge';
import { parseResourceYaml } from './parseResourceYaml';
import type { PathSegment } from './pointer';

/**
 * One field change: set `value` at `path` (creating missing mappings on the way), or remove
 * the field or sequence item at `path`.
 */
export type YamlFieldChange =
  | { path: readonly PathSegment[]; value: unknown }
  | { path: readonly PathSegment[]; remove: true };

/** The original text cannot be edited: it does not parse, or a change does not fit it. */
export class YamlEditError extends InputError {
  /** what is wrong with the original text, when it does not parse */
  readonly issues: ValidationIssue[];

  constructor(message: string, issues: ValidationIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}

/**
 * The text of `originalText` changed so that it stands for `desired`, keeping comments, key
 * order and the formatting of everything that did not change.
 *
 * @remarks
 * `desired` is JSON-like data (objects, arrays, strings, numbers, booleans, null); undefined
 * fields are treated as absent. New keys are appended to their mapping.
 *
 * @throws YamlEditError when `originalText` is not a parseable single-mapping YAML document;
 * callers that want to overwrite such a file use `stringifyResource`.
 */
export function applyObjectToYaml(
  originalText: string,
  desired: Record<string, unknown>,
): string {
  return editYaml(originalText, doc => {
    for (const change of diffValues(doc.toJS(), desired)) {
      applyChange(doc, change);
    }
  });
}

/**
 * The text of `originalText` with the given field changes applied, in order, keeping comments,
 * key order and formatting elsewhere.
 *
 * @throws YamlEditError when `originalText` does not parse, a change has an empty path, or a
 * sequence index is beyond the end of its sequence.
 */
export function applyChangesToYaml(
  originalText: string,
  changes: readonly YamlFieldChange[],
): string {
  return editYaml(originalText, doc => {
    for (const change of changes) {
      applyChange(doc, change);
    }
  });
}

/**
 * The field changes that turn `before` into `after`: a set for every new or changed leaf (or
 * subtree whose type changed), a remove for every field gone. Items removed from a sequence
 * are removed from the end backwards, so the indices of a change list stay valid in order.
 */
export function diffValues(before: unknown, after: unknown): YamlFieldChange[] {
  const changes: YamlFieldChange[] = [];
  collectChanges(before, after, [], changes);
  return changes;
}

function editYaml(originalText: string, edit: (doc: Document) => void): string {
  const parsed = parseResourceYaml(originalText);
  if (!parsed.ok) {
    throw new YamlEditError(
      `the file cannot be edited in place: ${parsed.issues
        .map(i => `line ${i.line}: ${i.message}`)
        .join('; ')}`,
      parsed.issues,
    );
  }
  const crlf = originalText.includes('\r\n');
  const original = crlf ? originalText.replace(/\r\n/g, '\n') : originalText;
  const options = detectPrintOptions(original);
  const doc = parsed.yaml.document;
  const printedBefore = doc.toString(options);
  edit(doc);
  const printedAfter = doc.toString(options);

  let result = printedAfter;
  if (printedBefore !== original) {
    // yaml re-printed some untouched lines differently; take them from the original instead,
    // first right up to the edit, else keeping a line of distance, else not at all.
    const expected = doc.toJS();
    for (const bordersConflict of [false, true]) {
      const merged = mergeEditIntoOriginal(
        original,
        printedBefore,
        printedAfter,
        bordersConflict,
      );
      if (merged !== undefined && standsFor(merged, expected)) {
        result = merged;
        break;
      }
    }
  }
  return crlf ? result.replace(/\n/g, '\r\n') : result;
}

/** True when `text` parses to exactly `value` (the merge is checked, never trusted). */
function standsFor(text: string, value: unknown): boolean {
  const parsed = parseResourceYaml(text);
  return parsed.ok && isDeepEqual(parsed.yaml.value, value);
}

function collectChanges(
  before: unknown,
  after: unknown,
  path: PathSegment[],
  out: YamlFieldChange[],
): void {
  if (isDeepEqual(before, after)) {
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(after)) {
      if (after[key] === undefined) continue;
      if (!hasOwn(before, key) || before[key] === undefined) {
        out.push({ path: [...path, key], value: after[key] });
      } else {
        collectChanges(before[key], after[key], [...path, key], out);
      }
    }
    for (const key of Object.keys(before)) {
      if (!hasOwn(after, key) || after[key] === undefined) {
        out.push({ path: [...path, key], remove: true });
      }
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    collectSequenceChanges(before, after, path, out);
    return;
  }
  out.push({ path, value: after });
}

function collectSequenceChanges(
  before: unknown[],
  after: unknown[],
  path: PathSegment[],
  out: YamlFieldChange[],
): void {
  // Items removed from anywhere become removals, so the items after them stay untouched.
  let prefix = 0;
  while (
    prefix < before.length &&
    prefix < after.length &&
    isDeepEqual(before[prefix], after[prefix])
  ) {
    prefix++;
  }
  let suffix = 0;
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    isDeepEqual(
      before[before.length - 1 - suffix],
      after[after.length - 1 - suffix],
    )
  ) {
    suffix++;
  }
  if (prefix + suffix === after.length) {
    for (let i = before.length - suffix - 1; i >= prefix; i--) {
      out.push({ path: [...path, i], remove: true });
    }
    return;
  }
  const common = Math.min(before.length, after.length);
  for (let i = 0; i < common; i++) {
    collectChanges(before[i], after[i], [...path, i], out);
  }
  for (let i = common; i < after.length; i++) {
    out.push({ path: [...path, i], value: after[i] });
  }
  for (let i = before.length - 1; i >= common; i--) {
    out.push({ path: [...path, i], remove: true });
  }
}

function applyChange(doc: Document, change: YamlFieldChange): void {
  const { path } = change;
  if (path.length === 0) {
    throw new YamlEditError(
      'a change needs a path; the whole document cannot be replaced',
    );
  }
  let parent: unknown = doc.contents;
  for (let i = 0; i < path.length - 1; i++) {
    const child = getChild(parent, path[i]);
    if (!isCollection(child)) {
      if ('remove' in change) {
        return; // nothing there to remove
      }
      // missing (or a scalar in the way): set the rest of the path as one nested value
      setChild(
        doc,
        parent,
        path[i],
        nest(path.slice(i + 1), change.value),
        path,
      );
      return;
    }
    parent = child;
  }
  const last = path[path.length - 1];
  if ('remove' in change) {
    removeChild(parent, last);
  } else {
    setChild(doc, parent, last, change.value, path);
  }
}

function getChild(parent: unknown, segment: PathSegment): unknown {
  if (isMap(parent)) {
    return parent.items.find(
      p => isScalar(p.key) && String(p.key.value) === String(segment),
    )?.value;
  }
  if (isSeq(parent)) {
    const item = parent.items[sequenceIndex(segment)];
    return isPair(item) ? item.value : item;
  }
  return undefined;
}

function setChild(
  doc: Document,
  parent: unknown,
  segment: PathSegment,
  value: unknown,
  path: readonly PathSegment[],
): void {
  if (isMap(parent)) {
    const pair = parent.items.find(
      p => isScalar(p.key) && String(p.key.value) === String(segment),
    );
    if (pair) {
      pair.value = replacementNode(doc, pair.value, value);
    } else {
      // `labels: {}` gaining its first entry reads better as a block mapping
      if (parent.items.length === 0) parent.flow = false;
      parent.items.push(doc.createPair(String(segment), newNode(doc, value)));
    }
    return;
  }
  if (isSeq(parent)) {
    const index = sequenceIndex(segment);
    if (index < parent.items.length) {
      parent.items[index] = replacementNode(doc, parent.items[index], value);
      return;
    }
    if (index === parent.items.length) {
      if (parent.items.length === 0) parent.flow = false;
      parent.items.push(newNode(doc, value));
      return;
    }
  }
  throw new YamlEditError(
    `cannot set ${path.join('.')}: ${String(
      segment,
    )} is not a key or the next index of its parent`,
  );
}

function removeChild(parent: unknown, segment: PathSegment): void {
  if (isMap(parent)) {
    const index = parent.items.findIndex(
      p => isScalar(p.key) && String(p.key.value) === String(segment),
    );
    if (index >= 0) parent.items.splice(index, 1);
  } else if (isSeq(parent)) {
    const index = sequenceIndex(segment);
    if (index < parent.items.length) parent.items.splice(index, 1);
  }
}

/** The node for a changed value: the same scalar node when the type stays, so its style does. */
function replacementNode(doc: Document, old: unknown, value: unknown): unknown {
  if (
    isScalar(old) &&
    old.value !== null &&
    value !== null &&
    typeof value !== 'object' &&
    typeof old.value === typeof value
  ) {
    old.value = value;
    return old;
  }
  const node = newNode(doc, value);
  if (isNode(old)) {
    node.commentBefore = old.commentBefore;
    node.comment = old.comment;
    node.spaceBefore = old.spaceBefore;
  }
  return node;
}

function newNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value);
  quoteAmbiguousStrings(node);
  return node;
}

function nest(path: readonly PathSegment[], value: unknown): unknown {
  return path.reduceRight<unknown>(
    (inner, segment) =>
      typeof segment === 'number'
        ? [inner]
        : Object.fromEntries([[segment, inner]]),
    value,
  );
}

function sequenceIndex(segment: PathSegment): number {
  const text = String(segment);
  return /^(0|[1-9][0-9]*)$/.test(text)
    ? Number(text)
    : Number.POSITIVE_INFINITY;
}

function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON-like data; a missing key equals an undefined one. */
function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number')
    return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => isDeepEqual(item, b[i]))
    );
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!isDeepEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false;
}
