/*
 * From a JSON Pointer (how schema errors name a field) to a place in the YAML source.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { parsePointer } from './pointer';

/** A 1-based line and column in a file. */
export interface SourcePosition {
  line: number;
  column: number;
}

interface Step {
  node: unknown;
  /** the mapping key that holds `node`, when its parent is a mapping */
  key?: Node;
}

/**
 * The source offset for a JSON Pointer in a parsed document.
 *
 * @remarks
 * `target: 'value'` gives the value's start, except for a block collection or an empty value,
 * where the key's line is what a reader looks for. `target: 'key'` gives the key. When the
 * pointer leads to a missing node, the nearest existing parent is used.
 */
export function locateInDocument(
  doc: Document,
  pointer: string,
  target: 'key' | 'value',
): number {
  const steps = walk(doc, parsePointer(pointer));
  const found = steps.length === parsePointer(pointer).length + 1;
  const { node, key } = steps[steps.length - 1];
  if (
    key &&
    (target === 'key' || !found || !hasOwnSource(node) || isBlock(node))
  ) {
    return startOf(key) ?? 0;
  }
  return startOf(node) ?? startOf(doc.contents) ?? 0;
}

/** The nodes along a path, from the document's top node to the deepest one that exists. */
function walk(doc: Document, segments: string[]): Step[] {
  const steps: Step[] = [{ node: doc.contents }];
  for (const segment of segments) {
    const { node } = steps[steps.length - 1];
    if (isMap(node)) {
      const pair = node.items.find(
        p => isScalar(p.key) && String(p.key.value) === segment,
      );
      if (!pair) break;
      steps.push({ node: pair.value, key: pair.key as Node });
    } else if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(segment)) {
      const index = Number(segment);
      if (index >= node.items.length) break;
      const item = node.items[index];
      // a `- key: value` item of a flow sequence can be a Pair
      steps.push({ node: isPair(item) ? item.value : item });
    } else {
      break;
    }
  }
  return steps;
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? range[0] : undefined;
}

function hasOwnSource(node: unknown): boolean {
  const range = (node as Node | null)?.range;
  return !!range && range[1] > range[0];
}

/** A block mapping or sequence starts on the line after its key. */
function isBlock(node: unknown): boolean {
  return (isMap(node) || isSeq(node)) && !node.flow;
}
