/*
 * Positions for components the file has no `spec.layout` entry for (or all of them, when the
 * user asks for auto-layout): dagre's layered layout, left to right like the data flow.
 * dagre rather than elk: synchronous, small, and a pipeline is a DAG, dagre's home ground.
 */
import { graphlib, layout } from '@dagrejs/dagre';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 72;

export interface LayoutEdge {
  from: string;
  to: string;
}

/** Top-left positions (as @xyflow/react wants them) for every node id. */
export function autoLayout(
  ids: readonly string[],
  edges: readonly LayoutEdge[],
): Record<string, { x: number; y: number }> {
  const g = new graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 32, ranksep: 80, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const known = new Set(ids);
  for (const e of edges) {
    if (known.has(e.from) && known.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to);
  }
  layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const id of ids) {
    const n = g.node(id) as { x: number; y: number };
    out[id] = {
      x: Math.round(n.x - NODE_WIDTH / 2),
      y: Math.round(n.y - NODE_HEIGHT / 2),
    };
  }
  return out;
}

/**
 * The positions to draw: `spec.layout` where it has an entry, dagre for the rest. Components
 * without an entry are laid out with the whole graph and then moved below what is placed, so
 * they never land on top of a placed one.
 */
export function positionsFor(
  ids: readonly string[],
  edges: readonly LayoutEdge[],
  stored: Record<string, { x: number; y: number }> | undefined,
): Record<string, { x: number; y: number }> {
  const placed = ids.filter(id => isPoint(stored?.[id]));
  if (placed.length === ids.length) {
    return Object.fromEntries(ids.map(id => [id, stored![id]]));
  }
  const auto = autoLayout(ids, edges);
  if (placed.length === 0) return auto;
  const bottom = Math.max(...placed.map(id => stored![id].y)) + NODE_HEIGHT + 40;
  const autoTop = Math.min(
    ...ids.filter(id => !placed.includes(id)).map(id => auto[id].y),
  );
  return Object.fromEntries(
    ids.map(id => [
      id,
      isPoint(stored?.[id])
        ? stored![id]
        : { x: auto[id].x, y: auto[id].y - autoTop + bottom },
    ]),
  );
}

function isPoint(p: unknown): p is { x: number; y: number } {
  return (
    !!p &&
    typeof (p as any).x === 'number' &&
    typeof (p as any).y === 'number' &&
    Number.isFinite((p as any).x) &&
    Number.isFinite((p as any).y)
  );
}
