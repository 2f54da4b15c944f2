/*
 * The artifact page's dependency graph as data: the artifact in the middle, the artifacts using
 * it on the left, what it depends on on the right (an arrow reads "depends on"), positioned by
 * dagre's layered layout. Pure, so that the drawing and its tests agree on what is in the graph.
 * dagre rather than elk for the same reasons as Herald's builder (plugins/pipeline): synchronous,
 * small, and a dependency graph is (nearly always) a DAG, dagre's home ground.
 */
import { graphlib, layout } from '@dagrejs/dagre';
import type { ArtifactDetailResponse } from '@butler-portal/plugin-registry-common';

export const GRAPH_NODE_WIDTH = 220;
export const GRAPH_NODE_HEIGHT = 64;

export type GraphNodeRole = 'artifact' | 'dependency' | 'dependent';

export interface GraphNode {
  /** `<namespace>/<name>` */
  id: string;
  namespace: string;
  name: string;
  role: GraphNodeRole;
  /** the version shown: the artifact's shown version, a dependency's resolved one */
  version?: string;
  /** why a dependency resolves to nothing */
  problem?: string;
  position: { x: number; y: number };
}

export interface GraphEdge {
  /** `<from>-><to>` */
  id: string;
  /** the artifact that depends */
  from: string;
  /** the artifact it depends on */
  to: string;
  versionRange: string;
  /** `^2.0.0 → 2.1.0`, `^2.0.0 (unresolved)`, `~> 1.0 (not the latest)` */
  label: string;
  /** error: the range resolves to nothing; warning: it does not accept the latest version */
  state: 'ok' | 'warning' | 'error';
  /** the sentence a screen reader gets */
  description: string;
}

export interface DependencyGraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const idOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** What the graph draws for one artifact detail answer (`GET /artifacts/:ns/:name`). */
export function dependencyGraph(
  detail: Pick<ArtifactDetailResponse, 'artifact' | 'dependencies' | 'usedBy'>,
  shownVersion?: string,
): DependencyGraphModel {
  const { artifact } = detail;
  const self = idOf(artifact.namespace, artifact.name);
  const nodes = new Map<string, Omit<GraphNode, 'position'>>();
  nodes.set(self, {
    id: self,
    namespace: artifact.namespace,
    name: artifact.name,
    role: 'artifact',
    version: shownVersion ?? artifact.latest,
  });
  const edges: GraphEdge[] = [];
  for (const d of detail.dependencies) {
    const id = idOf(d.namespace, d.name);
    // an artifact that is both (a cycle) keeps its first role; both edges are drawn
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        namespace: d.namespace,
        name: d.name,
        role: 'dependency',
        ...(d.resolved && { version: d.resolved }),
        ...(!d.resolved && { problem: d.problem ?? 'does not resolve' }),
      });
    }
    edges.push({
      id: `${self}->${id}`,
      from: self,
      to: id,
      versionRange: d.versionRange,
      label: d.resolved
        ? `${d.versionRange} → ${d.resolved}`
        : `${d.versionRange} (unresolved)`,
      state: d.resolved ? 'ok' : 'error',
      description: d.resolved
        ? `${self} depends on ${id} ${d.versionRange}, resolved to ${d.resolved}`
        : `${self} depends on ${id} ${d.versionRange}, which does not resolve: ${
            d.problem ?? 'unknown reason'
          }`,
    });
  }
  for (const u of detail.usedBy) {
    const id = idOf(u.namespace, u.name);
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        namespace: u.namespace,
        name: u.name,
        role: 'dependent',
      });
    }
    edges.push({
      id: `${id}->${self}`,
      from: id,
      to: self,
      versionRange: u.versionRange,
      label: u.acceptsLatest
        ? u.versionRange
        : `${u.versionRange} (not the latest)`,
      state: u.acceptsLatest ? 'ok' : 'warning',
      description: `${id} depends on ${self} ${u.versionRange}${
        u.acceptsLatest ? '' : ', which does not accept its latest version'
      }`,
    });
  }
  const positions = layered([...nodes.keys()], edges);
  return {
    nodes: [...nodes.values()].map(n => ({ ...n, position: positions[n.id] })),
    edges,
  };
}

/** Top-left positions (as @xyflow/react wants them), left to right along the arrows. */
function layered(
  ids: string[],
  edges: GraphEdge[],
): Record<string, { x: number; y: number }> {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 180, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) {
    g.setNode(id, { width: GRAPH_NODE_WIDTH, height: GRAPH_NODE_HEIGHT });
  }
  for (const e of edges) {
    if (e.from !== e.to) g.setEdge(e.from, e.to, {}, e.id);
  }
  layout(g);
  return Object.fromEntries(
    ids.map(id => {
      const n = g.node(id) as { x: number; y: number };
      return [
        id,
        {
          x: Math.round(n.x - GRAPH_NODE_WIDTH / 2),
          y: Math.round(n.y - GRAPH_NODE_HEIGHT / 2),
        },
      ];
    }),
  );
}
