/*
 * An edge with the event types it carries as a badge: what arrives and is taken, what the
 * consumer would drop (struck through), red when an error concerns this input.
 */
import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  type EdgeProps,
} from '@xyflow/react';
import Tooltip from '@material-ui/core/Tooltip';
import { memo } from 'react';
import { issueState, type EdgeData } from '../lib/flowModel';

const COLOURS = {
  error: { line: '#d32f2f', background: '#fdecea', text: '#b71c1c' },
  warning: { line: '#ed6c02', background: '#fff4e5', text: '#333' },
  ok: { line: '#777', background: '#f0f0f0', text: '#333' },
};

const SHORT: Record<string, string> = { logs: 'logs', metrics: 'metrics', traces: 'traces' };

function TypedEdgeView(props: EdgeProps) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } = props;
  const data = props.data as EdgeData;
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  const errors = data.issues.filter(i => i.severity === 'error');
  const state = issueState(data.issues);
  const colour = COLOURS[state].line;
  const label =
    data.types.length === 0
      ? 'no events'
      : data.types.map(t => SHORT[t]).join(' · ');
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        style={{ stroke: colour, strokeWidth: selected ? 3 : 1.5 }}
      />
      <EdgeLabelRenderer>
        <Tooltip
          title={
            data.issues.length
              ? data.issues.map(i => i.message).join('\n')
              : `${data.from} → ${data.to}: ${label}`
          }
        >
          <div
            data-testid={`edge-${data.to}-${data.inputIndex}`}
            data-state={state}
            aria-label={`${data.from} to ${data.to}: ${label}${
              errors.length ? `; error: ${errors[0].message}` : ''
            }`}
            className="nodrag nopan"
            style={{
              position: 'absolute',
              transform: `translate(-50%, -50%) translate(${labelX}px,${labelY}px)`,
              pointerEvents: 'all',
              fontSize: 10,
              padding: '1px 6px',
              borderRadius: 8,
              background: COLOURS[state].background,
              color: COLOURS[state].text,
              border: `1px solid ${colour}`,
              whiteSpace: 'nowrap',
            }}
          >
            {errors.length > 0 && '⚠ '}
            {label}
            {data.dropped.length > 0 && (
              <s style={{ marginLeft: 4 }}>{data.dropped.join(' · ')}</s>
            )}
          </div>
        </Tooltip>
      </EdgeLabelRenderer>
    </>
  );
}

export const TypedEdge = memo(TypedEdgeView);
