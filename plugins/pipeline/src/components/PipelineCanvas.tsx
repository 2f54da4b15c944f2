/*
 * The pipeline graph on @xyflow/react: read-only on the pipeline page and the entity tab,
 * editable in the builder (drop components from the palette, connect an output handle to an
 * input handle, drag to move, Delete/Backspace to remove, Ctrl+Z / Ctrl+Shift+Z to undo/redo).
 * The canvas keeps no pipeline state of its own: the nodes and edges come from the YAML text,
 * and every change goes back as a graph edit.
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { ComponentKind } from '@butler-portal/plugin-pipeline-common';
import { connectionRef, type EdgeData, type FlowModel } from '../lib/flowModel';
import { ComponentNode } from './ComponentNode';
import { TypedEdge } from './TypedEdge';

/** The drag-and-drop payload of a palette entry: `<kind>:<type>`. */
export const PALETTE_MIME = 'application/x-herald-component';

const nodeTypes = { component: ComponentNode };
const edgeTypes = { typed: TypedEdge };

export interface Selection {
  node?: string;
  /** the consumer and input index of the selected edge */
  edge?: { to: string; inputIndex: number };
}

export interface PipelineCanvasProps {
  model: FlowModel;
  editable?: boolean;
  height?: number | string;
  selection?: Selection;
  onSelect?: (selection: Selection) => void;
  onConnect?: (fromRef: string, to: string) => void;
  onDelete?: (nodes: string[], edges: { to: string; inputIndex: number }[]) => void;
  onMove?: (positions: Record<string, { x: number; y: number }>) => void;
  onDropComponent?: (kind: ComponentKind, type: string, position: { x: number; y: number }) => void;
  onUndo?: () => void;
  onRedo?: () => void;
}

function Canvas(props: PipelineCanvasProps) {
  const { model, editable, selection, onSelect, onMove, onDropComponent } = props;
  const flow = useReactFlow();
  const [nodes, setNodes] = useState<Node[]>(model.nodes);
  // fit once, to what the canvas opened with; later drops must not move the view
  const [fitOnOpen] = useState(model.nodes.length > 0);

  // the text is the truth: a new model replaces the nodes, keeping the selection
  useEffect(() => {
    setNodes(
      model.nodes.map(n => ({ ...n, selected: selection?.node === n.id })),
    );
  }, [model.nodes, selection?.node]);

  const edges: Edge[] = model.edges.map(e => ({
    ...e,
    selected:
      selection?.edge?.to === e.data.to &&
      selection.edge.inputIndex === e.data.inputIndex,
  }));

  const onNodesChange = useCallback(
    (changes: NodeChange[]) =>
      // moves and selection are drawn at once; removals wait for the text
      setNodes(ns => applyNodeChanges(changes.filter(c => c.type !== 'remove'), ns)),
    [],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.target) props.onConnect?.(connectionRef(c.source, c.sourceHandle), c.target);
    },
    [props],
  );

  const onDrop = (event: DragEvent) => {
    const payload = event.dataTransfer.getData(PALETTE_MIME);
    if (!payload || !onDropComponent) return;
    event.preventDefault();
    const [kind, type] = payload.split(':');
    const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    onDropComponent(kind as ComponentKind, type, position);
  };

  const wrapper = useRef<HTMLDivElement>(null);
  const keys = useRef<(event: KeyboardEvent) => void>();
  keys.current = (event: KeyboardEvent) => {
    if (!editable) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, [contenteditable="true"]')) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      if (event.shiftKey) props.onRedo?.();
      else props.onUndo?.();
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'y') {
      event.preventDefault();
      props.onRedo?.();
    }
  };
  // undo/redo while the focus is anywhere in the canvas (React Flow handles Delete itself)
  useEffect(() => {
    const element = wrapper.current;
    const listener = (event: KeyboardEvent) => keys.current?.(event);
    element?.addEventListener('keydown', listener);
    return () => element?.removeEventListener('keydown', listener);
  }, []);

  return (
    <div
      style={{ height: props.height ?? 480, width: '100%' }}
      onDragOver={e => {
        if (editable) {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDrop={onDrop}
      ref={wrapper}
      data-testid="pipeline-canvas"
      role="application"
      aria-label={editable ? 'Pipeline builder canvas' : 'Pipeline graph'}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onConnect={editable ? onConnect : undefined}
        nodesDraggable={!!editable}
        nodesConnectable={!!editable}
        elementsSelectable
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        onDelete={
          editable
            ? ({ nodes: ns, edges: es }) =>
                props.onDelete?.(
                  ns.map(n => n.id),
                  es.map(e => {
                    const d = e.data as EdgeData;
                    return { to: d.to, inputIndex: d.inputIndex };
                  }),
                )
            : undefined
        }
        onNodeDragStop={
          editable
            ? (_e, _node, dragged) =>
                onMove?.(Object.fromEntries(dragged.map(n => [n.id, n.position])))
            : undefined
        }
        onNodeClick={(_e, node) => onSelect?.({ node: node.id })}
        onEdgeClick={(_e, edge) => {
          const d = edge.data as EdgeData;
          onSelect?.({ edge: { to: d.to, inputIndex: d.inputIndex } });
        }}
        onPaneClick={() => onSelect?.({})}
        // a 200-component pipeline: draw only what is on screen
        onlyRenderVisibleElements={model.nodes.length > 60}
        // an empty canvas starts at 100%: fitting nothing would zoom in on the first drop
        fitView={fitOnOpen}
        fitViewOptions={{ maxZoom: 1 }}
        defaultViewport={{ x: 40, y: 40, zoom: 1 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        {model.nodes.length > 12 && <MiniMap pannable zoomable />}
      </ReactFlow>
    </div>
  );
}

/** The canvas with its own React Flow store (one per page). */
export function PipelineCanvas(props: PipelineCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
