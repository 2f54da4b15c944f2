/*
 * Which node or edge of the graph an issue concerns, from its JSON Pointer: the editor shows
 * issues on the canvas before anything is submitted, and the pipeline page on its graph.
 */
import { parsePointer } from '@butler-portal/plugin-gitops-common';
import type { ComponentKind } from '../catalog/types';

/** The part of a pipeline an issue points at. */
export type IssueTarget =
  | { on: 'pipeline' }
  | {
      on: 'component';
      kind: ComponentKind;
      id: string;
      /** the option path inside `options`, e.g. `encoding.codec`, when the issue is about one */
      option?: string;
    }
  | {
      on: 'edge';
      /** the consuming component, and the index of the input as written */
      kind: ComponentKind;
      id: string;
      inputIndex: number;
    };

const KIND_OF_SECTION: Record<string, ComponentKind> = {
  sources: 'source',
  transforms: 'transform',
  sinks: 'sink',
};

/** Where on the graph to show an issue with this JSON Pointer (`issue.path`). */
export function issueTarget(pointer: string): IssueTarget {
  const [spec, section, id, field, ...rest] = parsePointer(pointer);
  const kind = KIND_OF_SECTION[section];
  if (spec !== 'spec' || !kind || id === undefined) return { on: 'pipeline' };
  if (field === 'inputs' && rest.length > 0 && /^\d+$/.test(rest[0])) {
    return { on: 'edge', kind, id, inputIndex: Number(rest[0]) };
  }
  if (field === 'options' && rest.length > 0) {
    return { on: 'component', kind, id, option: rest.join('.') };
  }
  return { on: 'component', kind, id };
}
