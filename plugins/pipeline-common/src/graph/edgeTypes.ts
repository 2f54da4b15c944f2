/*
 * What travels along each edge of a pipeline, for the badges of the graph views and the
 * editor: the event types an input can carry, which of them its consumer takes, which it drops.
 */
import type { EventType } from '../catalog/types';
import { buildPipelineGraph } from './buildGraph';
import { analyseTypeFlow, type TypedEdge } from './typeFlow';
import type { PipelineSpec } from './types';

export type { TypedEdge };

/** Every resolved edge of a pipeline's spec with its event types, in consumer and input order. */
export function pipelineEdgeTypes(spec: PipelineSpec | unknown): TypedEdge[] {
  const graph = buildPipelineGraph(spec);
  const { edges } = analyseTypeFlow(graph);
  const position = new Map(graph.components.map((c, i) => [c.id, i]));
  return [...edges].sort(
    (a, b) =>
      position.get(a.to)! - position.get(b.to)! ||
      a.inputIndex - b.inputIndex ||
      a.from.localeCompare(b.from),
  );
}

/** The event types each output of a pipeline can carry, by output ref (`<id>` or `<id>.<name>`). */
export function pipelineOutputTypes(
  spec: PipelineSpec | unknown,
): Record<string, EventType[]> {
  const { outputTypes } = analyseTypeFlow(buildPipelineGraph(spec));
  return Object.fromEntries(outputTypes);
}
