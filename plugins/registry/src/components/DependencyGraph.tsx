/*
 * The dependency graph of the artifact page, drawn with @xyflow/react (read-only: no dragging,
 * no connecting): the artifacts using this one → this one → what it depends on, each edge
 * labelled with its range and the version it resolves to. Every other artifact is a link to its
 * page. The same facts are in the Dependencies and Used by lists, which a screen reader reads;
 * the edges carry the sentence as their label too.
 */
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import type { ArtifactDetailResponse } from '@butler-portal/plugin-registry-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo } from 'react';
import {
  dependencyGraph,
  GRAPH_NODE_HEIGHT,
  GRAPH_NODE_WIDTH,
  type GraphNode,
} from '../lib/dependencyGraph';
import { artifactRouteRef } from '../routes';

const useStyles = makeStyles(theme => ({
  node: {
    width: GRAPH_NODE_WIDTH,
    height: GRAPH_NODE_HEIGHT,
    boxSizing: 'border-box',
    borderRadius: 6,
    border: `1px solid ${theme.palette.divider}`,
    background: theme.palette.background.paper,
    color: theme.palette.text.primary,
    padding: theme.spacing(0.5, 1),
    fontSize: 12,
    overflow: 'hidden',
  },
  self: {
    border: `2px solid ${theme.palette.primary.main}`,
  },
  problem: { borderColor: theme.palette.error.main },
  namespace: { color: theme.palette.text.secondary, fontSize: 11 },
  name: {
    fontWeight: 600,
    fontSize: 13,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  detail: {
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  handle: { visibility: 'hidden' },
}));

// wrapped: React Flow wants node data to be an index-signature record
type ArtifactNodeType = Node<{ node: GraphNode }, 'artifact'>;

function ArtifactNodeView(props: NodeProps<ArtifactNodeType>) {
  const classes = useStyles();
  const artifactLink = useRouteRef(artifactRouteRef);
  const n = props.data.node;
  const detail =
    n.role === 'dependency'
      ? n.version ?? `unresolved: ${n.problem}`
      : n.version ?? (n.role === 'dependent' ? 'uses this artifact' : '');
  return (
    <div
      className={`${classes.node} ${n.role === 'artifact' ? classes.self : ''} ${
        n.problem ? classes.problem : ''
      }`}
      title={n.problem ? `${n.id}: ${n.problem}` : n.id}
    >
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={false}
        className={classes.handle}
      />
      <div className={classes.namespace}>{n.namespace}</div>
      <div className={classes.name}>
        {n.role === 'artifact' ? (
          n.name
        ) : (
          <Link
            className="nodrag nopan"
            to={
              artifactLink?.({ namespace: n.namespace, name: n.name }) ?? ''
            }
          >
            {n.name}
          </Link>
        )}
      </div>
      <div className={classes.detail}>{detail}</div>
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={false}
        className={classes.handle}
      />
    </div>
  );
}

const nodeTypes = { artifact: memo(ArtifactNodeView) };

export function DependencyGraph(props: {
  detail: Pick<ArtifactDetailResponse, 'artifact' | 'dependencies' | 'usedBy'>;
  shownVersion?: string;
}) {
  const { detail, shownVersion } = props;
  const theme = useTheme();
  const model = useMemo(
    () => dependencyGraph(detail, shownVersion),
    [detail, shownVersion],
  );
  const colours = {
    ok: theme.palette.text.secondary,
    warning: theme.palette.warning.main,
    error: theme.palette.error.main,
  };
  const nodes: ArtifactNodeType[] = model.nodes.map(n => ({
    id: n.id,
    type: 'artifact',
    position: n.position,
    data: { node: n },
    width: GRAPH_NODE_WIDTH,
    height: GRAPH_NODE_HEIGHT,
    ariaLabel: n.role === 'artifact' ? `${n.id} (this artifact)` : n.id,
    domAttributes: { 'data-role': n.role } as Node['domAttributes'],
  }));
  const edges: Edge[] = model.edges.map(e => ({
    id: e.id,
    source: e.from,
    target: e.to,
    label: e.label,
    ariaLabel: e.description,
    style: { stroke: colours[e.state], strokeWidth: 1.5 },
    labelStyle: { fill: colours[e.state], fontSize: 11 },
    markerEnd: { type: MarkerType.ArrowClosed, color: colours[e.state] },
    domAttributes: { 'data-state': e.state } as Edge['domAttributes'],
  }));
  if (model.edges.length === 0) {
    return (
      <Typography>
        {model.nodes[0].id} depends on no other artifact, and no artifact
        depends on it.
      </Typography>
    );
  }
  // tall enough for the widest rank, never taller than a screen
  const ranks = Math.max(
    detail.dependencies.length,
    detail.usedBy.length,
    1,
  );
  const height = Math.min(
    560,
    Math.max(200, ranks * (GRAPH_NODE_HEIGHT + 24) + 80),
  );
  return (
    <ReactFlowProvider>
      <div
        style={{ height, width: '100%' }}
        role="figure"
        aria-label="Dependency graph"
        data-testid="dependency-graph"
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          fitView
          fitViewOptions={{ maxZoom: 1, padding: 0.1 }}
          minZoom={0.2}
          proOptions={{ hideAttribution: true }}
        >
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </ReactFlowProvider>
  );
}
