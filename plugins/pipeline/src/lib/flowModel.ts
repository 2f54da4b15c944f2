/*
 * The pipeline as @xyflow/react draws it: one node per component with a handle per output
 * (named outputs included), one edge per resolved input with the event types it carries, and
 * each validation issue placed on the node or edge it concerns (issueTarget).
 */
import {
  analyseTypeFlow,
  buildPipelineGraph,
  findComponentType,
  issueTarget,
  outputsOf,
  type ComponentKind,
  type EventType,
  type PipelineIssue,
  type PipelineSpec,
} from '@butler-portal/plugin-pipeline-common';
import { positionsFor } from './autoLayout';

/** The handle id of a component's default output. */
export const DEFAULT_HANDLE = 'default';

export interface NodeIssue {
  severity: 'error' | 'warning';
  message: string;
  line?: number;
  column?: number;
}

export interface ComponentNodeData extends Record<string, unknown> {
  id: string;
  kind: ComponentKind;
  type: string;
  title: string;
  /** output handles: `default` or the output's name */
  outputs: { handle: string; ref: string }[];
  issues: NodeIssue[];
}

export interface FlowNode {
  id: string;
  type: 'component';
  position: { x: number; y: number };
  data: ComponentNodeData;
}

export interface EdgeData extends Record<string, unknown> {
  /** the consumer and the index of the input as written (what issues point at) */
  to: string;
  inputIndex: number;
  input: string;
  from: string;
  types: EventType[];
  accepted: EventType[];
  dropped: EventType[];
  issues: NodeIssue[];
}

export interface FlowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  type: 'typed';
  data: EdgeData;
}

export interface FlowModel {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** issues about the pipeline as a whole (metadata, no source, ...) */
  pipelineIssues: NodeIssue[];
}

/** The worst severity among issues, as the views colour them. */
export function issueState(issues: readonly NodeIssue[]): 'error' | 'warning' | 'ok' {
  if (issues.some(i => i.severity === 'error')) return 'error';
  if (issues.some(i => i.severity === 'warning')) return 'warning';
  return 'ok';
}

/** The key issues about one input use: `<consumer>#<inputIndex>`. */
export const edgeKey = (to: string, inputIndex: number) => `${to}#${inputIndex}`;

export function toNodeIssue(issue: PipelineIssue): NodeIssue {
  return {
    severity: issue.severity,
    message: issue.message,
    line: issue.line,
    column: issue.column,
  };
}

/** Issues grouped by component id, by edge key, and the rest. */
export function placeIssues(issues: readonly PipelineIssue[]) {
  const byComponent = new Map<string, NodeIssue[]>();
  const byEdge = new Map<string, NodeIssue[]>();
  const pipeline: NodeIssue[] = [];
  const push = (map: Map<string, NodeIssue[]>, key: string, i: NodeIssue) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  for (const issue of issues) {
    const target = issueTarget(issue.path);
    if (target.on === 'edge') {
      push(byEdge, edgeKey(target.id, target.inputIndex), toNodeIssue(issue));
    } else if (target.on === 'component') {
      push(byComponent, target.id, toNodeIssue(issue));
    } else {
      pipeline.push(toNodeIssue(issue));
    }
  }
  return { byComponent, byEdge, pipeline };
}

/** Nodes and edges of a pipeline's spec, positioned by `spec.layout` or dagre. */
export function toFlowModel(
  spec: PipelineSpec,
  issues: readonly PipelineIssue[] = [],
): FlowModel {
  const graph = buildPipelineGraph(spec);
  const flow = analyseTypeFlow(graph);
  const placed = placeIssues(issues);

  const edges: FlowEdge[] = flow.edges.map(e => {
    const handle =
      e.from === e.fromComponent
        ? DEFAULT_HANDLE
        : e.from.slice(e.fromComponent.length + 1);
    return {
      id: `${edgeKey(e.to, e.inputIndex)}#${e.from}`,
      source: e.fromComponent,
      sourceHandle: handle,
      target: e.to,
      targetHandle: 'in',
      type: 'typed',
      data: {
        to: e.to,
        inputIndex: e.inputIndex,
        input: e.input,
        from: e.from,
        types: e.types,
        accepted: e.accepted,
        dropped: e.dropped,
        issues: placed.byEdge.get(edgeKey(e.to, e.inputIndex)) ?? [],
      },
    };
  });

  // an issue about an input that resolved to no edge (unknown input, ...) shows on its consumer
  const drawn = new Set(edges.map(e => edgeKey(e.data.to, e.data.inputIndex)));
  for (const [key, list] of placed.byEdge) {
    if (drawn.has(key)) continue;
    const to = key.slice(0, key.lastIndexOf('#'));
    placed.byComponent.set(to, [...(placed.byComponent.get(to) ?? []), ...list]);
  }

  const ids = graph.components.map(c => c.id);
  const positions = positionsFor(
    ids,
    flow.edges.map(e => ({ from: e.fromComponent, to: e.to })),
    spec.layout,
  );
  const nodes: FlowNode[] = graph.components.map(c => {
    const info = c.info ?? findComponentType(c.kind, c.type);
    return {
      id: c.id,
      type: 'component',
      position: positions[c.id],
      data: {
        id: c.id,
        kind: c.kind,
        type: c.type,
        title: info?.title ?? c.type,
        outputs: outputsOf(c).map(o => ({
          handle: o.name ?? DEFAULT_HANDLE,
          ref: o.ref,
        })),
        issues: placed.byComponent.get(c.id) ?? [],
      },
    };
  });
  return { nodes, edges, pipelineIssues: placed.pipeline };
}

/** The input as written that an xyflow connection stands for. */
export function connectionRef(source: string, sourceHandle?: string | null) {
  return !sourceHandle || sourceHandle === DEFAULT_HANDLE
    ? source
    : `${source}.${sourceHandle}`;
}
