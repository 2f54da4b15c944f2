/*
 * Save: opens a change request creating or editing the pipeline's file with the editor's
 * text, then shows its link, the diff Git got and the server's validation. Before that, the
 * preview of the diff against the file as it is on the default branch.
 */
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ChangeLink,
  gitopsApiRef,
  type ChangeDetail,
  type GitopsRequestError,
  type OpenedChange,
} from '@butler-portal/plugin-gitops-react';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import SaveIcon from '@material-ui/icons/Save';
import { useId, useMemo, useRef, useState } from 'react';
import { changedHunks, diffLines, type DiffLine } from '../lib/diffLines';
import { readPipelineText } from '../lib/pipelineText';

const useStyles = makeStyles(theme => ({
  paper: { padding: theme.spacing(2), display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) },
  diff: {
    fontFamily: 'monospace',
    fontSize: 12,
    whiteSpace: 'pre',
    overflowX: 'auto',
    margin: 0,
    padding: theme.spacing(1),
    background: theme.palette.background.default,
  },
  add: { background: 'rgba(46, 160, 67, 0.18)' },
  del: { background: 'rgba(248, 81, 73, 0.18)' },
  row: { display: 'flex', gap: theme.spacing(1), alignItems: 'center', flexWrap: 'wrap' },
}));

function lineClass(classes: Record<'add' | 'del', string>, line: string) {
  if (line.startsWith('+') && !line.startsWith('+++')) return classes.add;
  if (line.startsWith('-') && !line.startsWith('---')) return classes.del;
  return undefined;
}

function saveState(p: { pending: boolean; errors: number; warnings: number }): string {
  if (p.pending) return 'validating…';
  const plural = (n: number, what: string) => `${n} ${what}${n > 1 ? 's' : ''}`;
  if (p.errors > 0) return `Fix ${plural(p.errors, 'error')} before saving.`;
  if (p.warnings > 0) return `Valid, with ${plural(p.warnings, 'warning')}.`;
  return 'Valid.';
}

function DiffView({ hunks }: { hunks: DiffLine[][] }) {
  const classes = useStyles();
  return (
    <pre className={classes.diff} data-testid="diff-preview">
      {hunks.map((hunk, h) => (
        <div key={h}>
          {h > 0 && <div>…</div>}
          {hunk.map((l, i) => (
            <div key={i} className={lineClass(classes, `${l.op}${l.text}`)}>
              {l.op}
              {l.text}
            </div>
          ))}
        </div>
      ))}
    </pre>
  );
}

function ServerDiff({ diff }: { diff: string }) {
  const classes = useStyles();
  return (
    <pre className={classes.diff} data-testid="change-diff">
      {diff.split('\n').map((l, i) => (
        <div key={i} className={lineClass(classes, l)}>
          {l}
        </div>
      ))}
    </pre>
  );
}

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export interface SavePanelProps {
  mode: 'create' | 'edit';
  text: string;
  /** the file on the default branch ('' for a new pipeline) */
  original: string;
  baseRevision?: string;
  errors: number;
  warnings: number;
  /** the text the error/warning counts are for; Save waits until it is the current text */
  validatedText: string;
  onOpened?: (change: OpenedChange) => void;
}

export function SavePanel(props: SavePanelProps) {
  const classes = useStyles();
  const gitopsApi = useApi(gitopsApiRef);
  const resource = useMemo(() => readPipelineText(props.text), [props.text]);
  const ref = resource?.metadata;
  const defaultTitle = `${props.mode === 'create' ? 'Create' : 'Edit'} pipeline ${ref?.namespace}/${ref?.name}`;
  const titleId = useId();
  const [title, setTitle] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<GitopsRequestError | Error>();
  const [opened, setOpened] = useState<{ change: OpenedChange; detail?: ChangeDetail }>();
  const key = useRef<{ text: string; key: string }>();

  const hunks = useMemo(
    () => (props.text === props.original ? [] : changedHunks(diffLines(props.original, props.text))),
    [props.text, props.original],
  );
  const unchanged = props.mode === 'edit' && props.text === props.original;
  const pending = props.validatedText !== props.text;
  const blocked = props.errors > 0 || !ref?.name || !ref?.namespace || unchanged || pending;

  const save = async () => {
    if (!ref) return;
    if (key.current?.text !== props.text) key.current = { text: props.text, key: newKey() };
    setBusy(true);
    setError(undefined);
    try {
      const change = await gitopsApi.openChange(
        {
          operation: props.mode === 'create' ? 'create' : 'update',
          kind: 'Pipeline',
          namespace: ref.namespace,
          name: ref.name,
          yaml: props.text,
          baseRevision: props.baseRevision,
          title: title ?? defaultTitle,
          description: `${props.mode === 'create' ? 'New' : 'Edited'} Herald pipeline, from the portal's pipeline editor.`,
        },
        { idempotencyKey: key.current.key },
      );
      setOpened({ change });
      props.onOpened?.(change);
      try {
        setOpened({ change, detail: await gitopsApi.getChange(change.id) });
      } catch {
        // the link is what matters; the diff is a courtesy
      }
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const file = opened?.detail?.files[0];
  return (
    <Paper variant="outlined" className={classes.paper} aria-label="Save" role="region">
      <Typography variant="h6">Save as a change request</Typography>
      <Typography variant="body2" color="textSecondary">
        {unchanged && 'Nothing changed yet.'}
        {!unchanged &&
          hunks.length > 0 &&
          `Changes to ${props.mode === 'create' ? 'the new file' : 'the file on the default branch'}:`}
      </Typography>
      {hunks.length > 0 && <DiffView hunks={props.mode === 'create' ? [diffLines('', props.text)] : hunks} />}
      <div className={classes.row}>
        <TextField
          id={titleId}
          label="Title"
          size="small"
          variant="outlined"
          style={{ minWidth: 360 }}
          value={title ?? defaultTitle}
          onChange={e => setTitle(e.target.value)}
        />
        <Button
          variant="contained"
          color="primary"
          startIcon={<SaveIcon />}
          disabled={blocked || busy}
          onClick={save}
        >
          {busy ? 'Opening…' : 'Save'}
        </Button>
        <Typography variant="body2" color={props.errors > 0 ? 'error' : 'textSecondary'} data-testid="save-state">
          {saveState({ pending, errors: props.errors, warnings: props.warnings })}
        </Typography>
      </div>
      {error && (
        <div role="alert">
          <Typography color="error" variant="body2">
            {error.message}
          </Typography>
          {((error as GitopsRequestError).issues ?? []).map((i, n) => (
            <Typography key={n} color="error" variant="body2">
              {i.file ?? ''}
              {i.line ? `:${i.line}:${i.column ?? 1}` : ''} {i.message}
            </Typography>
          ))}
        </div>
      )}
      {opened && (
        <div role="status" aria-label="Change request opened">
          <Typography variant="body1">
            Change request <ChangeLink change={opened.change} /> opened on branch {opened.change.branch}
            {opened.change.url ? '' : ' — review and merge it on the Changes page'}.
          </Typography>
          {opened.detail && (
            <>
              <Typography variant="body2" data-testid="change-validation">
                Validation:{' '}
                {opened.detail.validation.ok
                  ? 'passed'
                  : `failed — ${opened.detail.validation.issues.map(i => i.message).join('; ')}`}
              </Typography>
              {file && !file.diffTooLarge && <ServerDiff diff={file.diff} />}
              {file?.diffTooLarge && <Typography variant="body2">The diff is too large to show here.</Typography>}
            </>
          )}
        </div>
      )}
    </Paper>
  );
}
