/*
 * The pipeline editor for create and edit: the visual builder (palette, canvas, side panel)
 * and the YAML editor over ONE text. Graph edits are written into the text with the
 * comment-keeping codec and settle at once; typing settles after a pause, then the graph and
 * the validation follow. Validation runs once per settled text (not per keystroke), and its
 * issues show on the nodes and edges, as lint markers in the YAML and in the list below.
 */
import {
  validatePipeline,
  type ComponentKind,
  type PipelineIssue,
  type PipelineResource,
} from '@butler-portal/plugin-pipeline-common';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AccountTreeIcon from '@material-ui/icons/AccountTree';
import RedoIcon from '@material-ui/icons/Redo';
import UndoIcon from '@material-ui/icons/Undo';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { OpenedChange } from '@butler-portal/plugin-gitops-react';
import { autoLayout } from '../lib/autoLayout';
import { editorReducer, initialEditorState } from '../lib/editorState';
import { toFlowModel, edgeKey, type FlowModel } from '../lib/flowModel';
import {
  addComponent,
  connect,
  disconnect,
  freeId,
  inputReadsFrom,
  kindOfId,
  removeComponents,
  renameComponent,
  setInputs,
  setOptions,
  setPositions,
} from '../lib/graphOps';
import { readPipelineText } from '../lib/pipelineText';
import { IssueList, describeIssues } from './IssueList';
import { ComponentPanel, EdgePanel } from './NodePanel';
import { Palette } from './Palette';
import { PipelineCanvas, type Selection } from './PipelineCanvas';
import { SavePanel } from './SavePanel';
import { YamlEditor } from './YamlEditor';
import { issueTarget } from '@butler-portal/plugin-pipeline-common';

/** How long typing in the YAML editor pauses before the graph and the validation follow. */
export const SETTLE_MS = 300;

const EMPTY_MODEL: FlowModel = { nodes: [], edges: [], pipelineIssues: [] };

const useStyles = makeStyles(theme => ({
  toolbar: { display: 'flex', alignItems: 'center', gap: theme.spacing(1), flexWrap: 'wrap', marginBottom: theme.spacing(1) },
  grow: { flex: 1 },
  builder: { display: 'grid', gridTemplateColumns: '240px minmax(0, 1fr) 340px', gap: theme.spacing(1), alignItems: 'start' },
  side: { padding: theme.spacing(1.5), maxHeight: 640, overflowY: 'auto' },
  notice: { padding: theme.spacing(1, 2), marginBottom: theme.spacing(1) },
  state: { fontWeight: 600 },
}));

export interface PipelineEditorProps {
  mode: 'create' | 'edit';
  initialText: string;
  /** the file on the default branch ('' when creating) */
  original: string;
  /** repository path of the file (for the location check), when known */
  file?: string;
  baseRevision?: string;
  onOpened?: (change: OpenedChange) => void;
}

/** Where a "+"-added component goes: its kind's column, below what is there. */
function columnPosition(model: FlowModel, kind: ComponentKind) {
  const x = { source: 0, transform: 300, sink: 600 }[kind];
  const inColumn = model.nodes.filter(n => n.data.kind === kind).map(n => n.position.y);
  return { x, y: inColumn.length ? Math.max(...inColumn) + 110 : 0 };
}

export function PipelineEditor(props: PipelineEditorProps) {
  const classes = useStyles();
  const [state, dispatch] = useReducer(editorReducer, props.initialText, initialEditorState);
  const [tab, setTab] = useState<'visual' | 'yaml'>('visual');
  const [selection, setSelection] = useState<Selection>({});

  // typing settles after a pause
  useEffect(() => {
    if (state.text === state.settled) return undefined;
    const timer = setTimeout(() => dispatch({ type: 'settle' }), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [state.text, state.settled]);

  const parsed = useMemo(() => readPipelineText(state.settled), [state.settled]);
  // while the YAML does not parse, the graph shows the last text that did
  const lastGood = useRef<PipelineResource | undefined>(parsed);
  if (parsed) lastGood.current = parsed;
  const resource = parsed ?? lastGood.current;

  const validation = useMemo(
    () => validatePipeline(state.settled, { file: props.file }),
    [state.settled, props.file],
  );
  const issues: PipelineIssue[] = useMemo(
    () => [...validation.errors, ...validation.warnings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    [validation],
  );
  const model = useMemo(
    () => (resource ? toFlowModel(resource.spec, parsed ? issues : []) : EMPTY_MODEL),
    [resource, parsed, issues],
  );

  const edit = useCallback(
    (fn: (r: PipelineResource) => PipelineResource) => dispatch({ type: 'graph', edit: fn }),
    [],
  );

  const add = useCallback(
    (kind: ComponentKind, type: string, position?: { x: number; y: number }) => {
      const current = readPipelineText(state.text);
      if (!current) {
        edit(r => r); // reports that the YAML does not parse
        return;
      }
      const id = freeId(current.spec, type);
      edit(r => addComponent(r, kind, type, position ?? columnPosition(model, kind)).resource);
      setSelection({ node: id });
    },
    [state.text, edit, model],
  );

  const onDelete = useCallback(
    (nodeIds: string[], edges: { to: string; inputIndex: number }[]) => {
      edit(r => {
        // edges of deleted nodes go with them; the others are removed last input first
        let next = removeComponents(r, nodeIds);
        const rest = edges
          .filter(e => !nodeIds.includes(e.to))
          .filter(e => {
            const kind = kindOfId(r.spec, e.to);
            const input = kind ? ((r.spec as any)[`${kind}s`]?.[e.to]?.inputs ?? [])[e.inputIndex] : undefined;
            return input !== undefined && !nodeIds.some(id => inputReadsFrom(input, id));
          })
          .sort((a, b) => b.inputIndex - a.inputIndex);
        const seen = new Set<string>();
        for (const e of rest) {
          const k = edgeKey(e.to, e.inputIndex);
          if (seen.has(k)) continue; // a wildcard input drawn as several edges
          seen.add(k);
          next = disconnect(next, e.to, e.inputIndex);
        }
        return next;
      });
      setSelection({});
    },
    [edit],
  );

  const selectedNodeKind = selection.node && resource ? kindOfId(resource.spec, selection.node) : undefined;
  const issuesOf = (pred: (i: PipelineIssue) => boolean) => issues.filter(pred);

  let side: JSX.Element;
  if (selection.node && selectedNodeKind && resource) {
    const id = selection.node;
    side = (
      <ComponentPanel
        resource={resource}
        model={model}
        id={id}
        kind={selectedNodeKind}
        issues={issuesOf(i => {
          const t = issueTarget(i.path);
          return t.on !== 'pipeline' && t.id === id;
        })}
        onRename={to => {
          edit(r => renameComponent(r, id, to));
          setSelection({ node: to });
        }}
        onInputs={inputs => edit(r => setInputs(r, { kind: selectedNodeKind, id }, inputs))}
        onOptions={options => edit(r => setOptions(r, { kind: selectedNodeKind, id }, options))}
        onDelete={() => onDelete([id], [])}
      />
    );
  } else if (selection.edge) {
    const { to, inputIndex } = selection.edge;
    side = (
      <EdgePanel
        model={model}
        to={to}
        inputIndex={inputIndex}
        issues={issuesOf(i => {
          const t = issueTarget(i.path);
          return t.on === 'edge' && t.id === to && t.inputIndex === inputIndex;
        })}
        onRemove={() => onDelete([], [{ to, inputIndex }])}
      />
    );
  } else {
    side = (
      <>
        <Typography variant="subtitle2">
          {model.nodes.length} components, {model.edges.length} connections
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Drag a component from the palette, connect an output (right) to an input (left), and
          select a component to set its options. Delete removes, Ctrl+Z undoes.
        </Typography>
        <IssueList
          issues={issues.filter(i => issueTarget(i.path).on === 'pipeline')}
          label="Pipeline issues"
        />
      </>
    );
  }

  const select = (s: Selection) => {
    setSelection(s);
    setTab('visual');
  };

  return (
    <div>
      <div className={classes.toolbar}>
        <Tabs value={tab} onChange={(_e, v) => setTab(v)} aria-label="Editor views">
          <Tab value="visual" label="Visual builder" />
          <Tab value="yaml" label="YAML" />
        </Tabs>
        <div className={classes.grow} />
        <Button startIcon={<UndoIcon />} disabled={state.past.length === 0 && state.text === state.settled} onClick={() => dispatch({ type: 'undo' })}>
          Undo
        </Button>
        <Button startIcon={<RedoIcon />} disabled={state.future.length === 0} onClick={() => dispatch({ type: 'redo' })}>
          Redo
        </Button>
        <Button
          startIcon={<AccountTreeIcon />}
          disabled={!parsed || model.nodes.length === 0}
          onClick={() =>
            edit(r =>
              setPositions(
                r,
                autoLayout(
                  model.nodes.map(n => n.id),
                  model.edges.map(e => ({ from: e.source, to: e.target })),
                ),
              ),
            )
          }
        >
          Auto-layout
        </Button>
        <Typography
          className={classes.state}
          color={validation.errors.length ? 'error' : 'textPrimary'}
          data-testid="validation-state"
        >
          {state.text !== state.settled ? 'typing…' : describeIssues(validation.errors.length, validation.warnings.length)}
        </Typography>
      </div>
      {(state.error || !parsed) && (
        <Paper variant="outlined" className={classes.notice} role="alert">
          <Typography variant="body2" color="error">
            {state.error ?? 'The YAML does not parse; the graph shows the last version that did. Fix the YAML to edit the graph.'}
          </Typography>
        </Paper>
      )}
      {tab === 'visual' ? (
        <div className={classes.builder}>
          <Paper variant="outlined" className={classes.side}>
            <Palette onAdd={add} />
          </Paper>
          <Paper variant="outlined">
            <PipelineCanvas
              model={model}
              editable={!!parsed}
              height={640}
              selection={selection}
              onSelect={setSelection}
              onConnect={(from, to) => edit(r => connect(r, from, to))}
              onDelete={onDelete}
              onMove={positions => edit(r => setPositions(r, positions))}
              onDropComponent={add}
              onUndo={() => dispatch({ type: 'undo' })}
              onRedo={() => dispatch({ type: 'redo' })}
            />
          </Paper>
          <Paper variant="outlined" className={classes.side}>
            {side}
          </Paper>
        </div>
      ) : (
        <Paper variant="outlined">
          <YamlEditor
            value={state.text}
            onChange={text => dispatch({ type: 'type', text })}
            issues={issues}
            issuesFor={state.settled}
          />
        </Paper>
      )}
      <IssueList issues={issues} onSelect={select} />
      <div style={{ marginTop: 16 }}>
        <SavePanel
          mode={props.mode}
          text={state.text}
          original={props.original}
          baseRevision={props.baseRevision}
          errors={validation.errors.length}
          warnings={validation.warnings.length}
          validatedText={state.settled}
          onOpened={props.onOpened}
        />
      </div>
    </div>
  );
}
