/*
 * One component on the canvas: kind, id and type, an input handle (transforms and sinks), one
 * output handle per output (named outputs labelled), and its issues: red for errors, amber for
 * warnings, the messages in the tooltip and in the side panel.
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { memo } from 'react';
import { DEFAULT_HANDLE, issueState, type ComponentNodeData } from '../lib/flowModel';
import { NODE_HEIGHT, NODE_WIDTH } from '../lib/autoLayout';

const KIND_COLOURS: Record<string, string> = {
  source: '#2e7d32',
  transform: '#1565c0',
  sink: '#6a1b9a',
};

const useStyles = makeStyles(theme => ({
  node: {
    width: NODE_WIDTH,
    minHeight: NODE_HEIGHT,
    boxSizing: 'border-box',
    borderRadius: 6,
    border: `2px solid ${theme.palette.divider}`,
    background: theme.palette.background.paper,
    color: theme.palette.text.primary,
    padding: theme.spacing(0.5, 1),
    fontSize: 12,
    position: 'relative',
  },
  selected: { boxShadow: `0 0 0 2px ${theme.palette.primary.main}` },
  error: { borderColor: theme.palette.error.main },
  warning: { borderColor: theme.palette.warning.main },
  kind: {
    fontSize: 10,
    textTransform: 'uppercase',
    letterSpacing: 0.5,
    fontWeight: 600,
  },
  id: { fontWeight: 600, fontSize: 13, overflow: 'hidden', textOverflow: 'ellipsis' },
  type: { color: theme.palette.text.secondary },
  badge: {
    position: 'absolute',
    top: -10,
    right: -10,
    borderRadius: 10,
    minWidth: 20,
    height: 20,
    padding: '0 4px',
    fontSize: 11,
    lineHeight: '20px',
    textAlign: 'center',
    color: '#fff',
  },
  outputs: {
    position: 'absolute',
    right: -2,
    top: 0,
    bottom: 0,
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'space-around',
  },
  outputLabel: {
    position: 'absolute',
    right: 10,
    fontSize: 10,
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
    transform: 'translateY(-50%)',
  },
  handle: { width: 10, height: 10 },
}));

function ComponentNodeView({ data, selected }: NodeProps) {
  const classes = useStyles();
  const d = data as ComponentNodeData;
  const errors = d.issues.filter(i => i.severity === 'error');
  const state = issueState(d.issues);
  const stateClass = { error: classes.error, warning: classes.warning, ok: '' }[state];
  const named = d.outputs.length > 1 || d.outputs.some(o => o.handle !== DEFAULT_HANDLE);
  return (
    <div
      className={`${classes.node} ${selected ? classes.selected : ''} ${stateClass}`}
      data-testid={`node-${d.id}`}
      data-state={state}
      aria-label={`${d.kind} ${d.id} (${d.type})${
        errors.length ? `, ${errors.length} error${errors.length > 1 ? 's' : ''}` : ''
      }`}
    >
      {d.kind !== 'source' && (
        <Handle
          type="target"
          position={Position.Left}
          id="in"
          className={classes.handle}
          data-testid={`handle-${d.id}-in`}
        />
      )}
      <div className={classes.kind} style={{ color: KIND_COLOURS[d.kind] }}>
        {d.kind}
      </div>
      <div className={classes.id}>{d.id}</div>
      <div className={classes.type}>{d.title !== d.type ? `${d.type} · ${d.title}` : d.type}</div>
      {d.issues.length > 0 && (
        <Tooltip title={d.issues.map(i => i.message).join('\n')}>
          <span
            className={classes.badge}
            style={{ background: errors.length ? '#d32f2f' : '#ed6c02' }}
            data-testid={`node-${d.id}-issues`}
          >
            {d.issues.length}
          </span>
        </Tooltip>
      )}
      {d.outputs.map((o, i) => {
        const top = `${((i + 1) * 100) / (d.outputs.length + 1)}%`;
        return (
          <div key={o.handle}>
            <Handle
              type="source"
              position={Position.Right}
              id={o.handle}
              style={{ top }}
              className={classes.handle}
              data-testid={`handle-${d.id}-out-${o.handle}`}
              title={o.ref}
            />
            {named && (
              <span className={classes.outputLabel} style={{ top }}>
                {o.handle === DEFAULT_HANDLE ? '' : o.handle}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

export const ComponentNode = memo(ComponentNodeView);
