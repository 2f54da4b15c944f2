/*
 * Edit a workspace by change request: the file is edited in place with gitops-common's YAML
 * codec (comments, order and formatting kept), so changing one field changes one line, and the
 * change is based on the revision the file was read at (a stale edit is refused, not merged).
 */
import type {
  OpenedChange,
  ResourceDetail,
} from '@butler-portal/plugin-gitops-react';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import {
  applyChangesToYaml,
  describePointer,
  validate,
  type PathSegment,
  type YamlFieldChange,
} from '@butler-portal/plugin-gitops-common';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { newIdempotencyKey } from '../lib/idempotency';
import { exceeds } from '../lib/quantity';
import type { TemplateInfo } from '../lib/templates';

/** The fields the dialog edits, with where each lives in the file. */
const FIELDS: { key: string; label: string; path: PathSegment[] }[] = [
  { key: 'image', label: 'Image', path: ['spec', 'image'] },
  { key: 'cpu', label: 'CPU', path: ['spec', 'resources', 'cpu'] },
  { key: 'memory', label: 'Memory', path: ['spec', 'resources', 'memory'] },
  { key: 'storageSize', label: 'Storage', path: ['spec', 'storageSize'] },
  { key: 'idleTimeout', label: 'Idle timeout', path: ['spec', 'idleTimeout'] },
  {
    key: 'autoStopAfter',
    label: 'Auto-stop after',
    path: ['spec', 'autoStopAfter'],
  },
];

const pointerOf = (path: PathSegment[]) => `/${path.join('/')}`;

function valueAt(object: unknown, path: PathSegment[]): string {
  let value: any = object;
  for (const segment of path) value = value?.[segment];
  return value === undefined || value === null ? '' : String(value);
}

/** The field changes from the file's values to the dialog's: set what changed, remove what was cleared. */
export function fieldChanges(
  object: unknown,
  values: Record<string, string>,
): YamlFieldChange[] {
  const changes: YamlFieldChange[] = [];
  for (const field of FIELDS) {
    const before = valueAt(object, field.path);
    const after = (values[field.key] ?? '').trim();
    if (after === before) continue;
    changes.push(
      after === ''
        ? { path: field.path, remove: true }
        : { path: field.path, value: after },
    );
  }
  return changes;
}

export function EditWorkspaceDialog(props: {
  detail: ResourceDetail;
  /** the template the workspace came from, for its size limits; undefined when unknown */
  template?: TemplateInfo;
  open: boolean;
  onClose(): void;
  onOpened(change: OpenedChange): void;
}) {
  const { detail } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      FIELDS.map(f => [f.key, valueAt(detail.object, f.path)]),
    ),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const edit = useMemo(() => {
    const changes = fieldChanges(detail.object, values);
    if (changes.length === 0) return { changes, issues: {} };
    try {
      const yaml = applyChangesToYaml(detail.yaml, changes);
      const result = validate(yaml, detail.path);
      const issues: Record<string, string> = {};
      for (const issue of result.issues) {
        const field = FIELDS.find(f => pointerOf(f.path) === issue.path);
        const prefix = `${describePointer(issue.path)}: `;
        const message = issue.message.startsWith(prefix)
          ? issue.message.slice(prefix.length)
          : issue.message;
        const key = field?.key ?? 'form';
        issues[key] = issues[key] ? `${issues[key]}; ${message}` : message;
      }
      // the template's limits hold for an edit as for a create
      const limits = props.template?.limits ?? {};
      for (const key of ['cpu', 'memory', 'storageSize'] as const) {
        const max = limits[key];
        if (!issues[key] && exceeds(values[key]?.trim(), max)) {
          issues[key] = `at most ${max} with template ${
            props.template!.displayName
          }`;
        }
      }
      return { changes, yaml, issues };
    } catch (e) {
      return { changes, issues: { form: String((e as Error).message) } };
    }
  }, [detail, values, props.template]);

  const submit = async () => {
    if (!edit.yaml || Object.keys(edit.issues).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const change = await gitopsApi.openChange(
        {
          operation: 'update',
          kind: 'Workspace',
          namespace: detail.namespace,
          name: detail.name,
          yaml: edit.yaml,
          baseRevision: detail.revision,
          title: `Update workspace ${detail.namespace}/${detail.name}`,
          description: `Changes ${edit.changes
            .map(c => c.path.join('.'))
            .join(', ')}, from the portal.`,
        },
        { idempotencyKey },
      );
      props.onOpened(change);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const issues = edit.issues as Record<string, string>;
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      aria-labelledby="edit-workspace-title"
      fullWidth
    >
      <DialogTitle id="edit-workspace-title">
        Edit {detail.namespace}/{detail.name}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          Opens a change request editing {detail.path}; only the lines of the
          fields you change are touched.
        </Typography>
        {FIELDS.map(field => (
          <TextField
            key={field.key}
            id={`edit-workspace-${field.key}`}
            label={field.label}
            value={values[field.key]}
            onChange={e =>
              setValues(v => ({ ...v, [field.key]: e.target.value }))
            }
            error={!!issues[field.key]}
            helperText={issues[field.key]}
            fullWidth
            margin="dense"
            variant="outlined"
          />
        ))}
        {(issues.form || error) && (
          <Typography
            role="alert"
            color="error"
            style={{ whiteSpace: 'pre-wrap' }}
          >
            {issues.form ?? `Could not open the change request: ${error}`}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={
            busy || edit.changes.length === 0 || Object.keys(issues).length > 0
          }
        >
          Open change request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
