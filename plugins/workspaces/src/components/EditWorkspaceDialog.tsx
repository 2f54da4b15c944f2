/*
 * Edit a workspace by change request: the file is edited in place with gitops-common's YAML
 * codec (comments, order and formatting kept), so changing one field changes one line, and the
 * change is based on the revision the file was read at (a stale edit is refused, not merged).
 */
import type {
  OpenedChange,
  ResourceDetail,
} from '@butler-portal/plugin-gitops-react';
import {
  applyChangesToYaml,
  diffValues,
  looksLikePrivateKey,
  validate,
  type PathSegment,
  type YamlFieldChange,
} from '@butler-portal/plugin-gitops-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { exceeds } from '../lib/quantity';
import type { TemplateInfo } from '../lib/templates';
import {
  fieldIssueMessage,
  fieldOf,
  PRIVATE_KEY_MESSAGE,
  splitKeys,
  type RepositoryRow,
} from '../lib/workspaceForm';
import { useOpenChange } from '@butler-portal/plugin-gitops-react';
import { RepositoriesField, SshPublicKeysField } from './WorkspaceFields';

/** The single-value fields the dialog edits, with where each lives in the file. */
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

const REPOSITORIES: PathSegment[] = ['spec', 'repositories'];
const SSH_PUBLIC_KEYS: PathSegment[] = ['spec', 'sshPublicKeys'];

const pointerOf = (path: PathSegment[]) => `/${path.join('/')}`;

function valueAt(object: unknown, path: PathSegment[]): unknown {
  let value: any = object;
  for (const segment of path) value = value?.[segment];
  return value;
}

function textAt(object: unknown, path: PathSegment[]): string {
  const value = valueAt(object, path);
  return value === undefined || value === null ? '' : String(value);
}

/** A repository row, with the item of the file it was read from (its other fields are kept). */
export interface EditRepositoryRow extends RepositoryRow {
  from?: Record<string, unknown>;
}

export interface EditValues {
  fields: Record<string, string>;
  repositories: EditRepositoryRow[];
  /** one public key per line */
  sshPublicKeys: string;
}

export function editValuesOf(object: unknown): EditValues {
  const repositories = valueAt(object, REPOSITORIES);
  const keys = valueAt(object, SSH_PUBLIC_KEYS);
  return {
    fields: Object.fromEntries(
      FIELDS.map(f => [f.key, textAt(object, f.path)]),
    ),
    repositories: Array.isArray(repositories)
      ? repositories.map(r => ({
          url: textAt(r, ['url']),
          branch: textAt(r, ['branch']),
          from: r,
        }))
      : [],
    sshPublicKeys: Array.isArray(keys) ? keys.join('\n') : '',
  };
}

/** `spec.repositories` as the rows say, each item keeping the fields the dialog does not show. */
function repositoriesOfRows(rows: EditRepositoryRow[]) {
  return rows
    .filter(r => r.url.trim())
    .map(r => {
      // spread over the file's item, the fields keep their places (and a change, one line)
      const item: Record<string, unknown> = { ...r.from, url: r.url.trim() };
      if (r.branch.trim()) item.branch = r.branch.trim();
      else delete item.branch;
      return item;
    });
}

/** The changes that make the list at `path` hold `after`, item by item, so untouched items keep their lines. */
function listChanges(
  path: PathSegment[],
  before: unknown,
  after: unknown[],
): YamlFieldChange[] {
  if (!Array.isArray(before)) {
    return after.length > 0 ? [{ path, value: after }] : [];
  }
  if (after.length === 0) return [{ path, remove: true }];
  return diffValues(before, after).map(change => ({
    ...change,
    path: [...path, ...change.path],
  }));
}

/**
 * The field changes from the file's values to the dialog's: set what changed, remove what was
 * cleared. Keys are left out while the field holds a private key: it must never be sent.
 */
export function fieldChanges(
  object: unknown,
  values: EditValues,
): YamlFieldChange[] {
  const changes: YamlFieldChange[] = [];
  for (const field of FIELDS) {
    const before = textAt(object, field.path);
    const after = (values.fields[field.key] ?? '').trim();
    if (after === before) continue;
    changes.push(
      after === ''
        ? { path: field.path, remove: true }
        : { path: field.path, value: after },
    );
  }
  changes.push(
    ...listChanges(
      REPOSITORIES,
      valueAt(object, REPOSITORIES),
      repositoriesOfRows(values.repositories),
    ),
  );
  if (!looksLikePrivateKey(values.sshPublicKeys)) {
    changes.push(
      ...listChanges(
        SSH_PUBLIC_KEYS,
        valueAt(object, SSH_PUBLIC_KEYS),
        splitKeys(values.sshPublicKeys),
      ),
    );
  }
  return changes;
}

/** The dialog's field for an issue at `pointer` of the edited file; `form` for the rest. */
function dialogFieldOf(pointer: string, rows: EditRepositoryRow[]): string {
  const simple = FIELDS.find(f => pointerOf(f.path) === pointer);
  if (simple) return simple.key;
  const field = fieldOf(pointer);
  const repo = /^repositories\.(\d+)\.(url|branch)$/.exec(field);
  if (repo) {
    // the file's item N is the Nth row with a URL
    const rowIndexes = rows.flatMap((r, i) => (r.url.trim() ? [i] : []));
    return `repositories.${rowIndexes[Number(repo[1])] ?? repo[1]}.${repo[2]}`;
  }
  return field === 'sshPublicKeys' ? field : 'form';
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
  const opening = useOpenChange(props.onOpened);
  const [values, setValues] = useState(() => editValuesOf(detail.object));

  const edit = useMemo(() => {
    const issues: Record<string, string> = {};
    const add = (key: string, message: string) => {
      issues[key] = issues[key] ? `${issues[key]}; ${message}` : message;
    };
    // the schema only sees one line at a time; a PEM split over lines must be caught whole
    if (looksLikePrivateKey(values.sshPublicKeys)) {
      add('sshPublicKeys', PRIVATE_KEY_MESSAGE);
    }
    const changes = fieldChanges(detail.object, values);
    if (changes.length === 0) return { changes, issues };
    try {
      const yaml = applyChangesToYaml(detail.yaml, changes);
      const keyLines = splitKeys(values.sshPublicKeys);
      for (const issue of validate(yaml, detail.path).issues) {
        const key = dialogFieldOf(issue.path, values.repositories);
        add(
          key,
          key === 'form' ? issue.message : fieldIssueMessage(issue, keyLines),
        );
      }
      // the template's limits hold for an edit as for a create
      const limits = props.template?.limits ?? {};
      for (const key of ['cpu', 'memory', 'storageSize'] as const) {
        const max = limits[key];
        if (!issues[key] && exceeds(values.fields[key]?.trim(), max)) {
          add(
            key,
            `at most ${max} with template ${props.template!.displayName}`,
          );
        }
      }
      return { changes, yaml, issues };
    } catch (e) {
      add('form', String((e as Error).message));
      return { changes, issues };
    }
  }, [detail, values, props.template]);

  const submit = async () => {
    if (!edit.yaml || Object.keys(edit.issues).length > 0) return;
    const paths = [...new Set(edit.changes.map(c => c.path.join('.')))];
    await opening.open({
      operation: 'update',
      kind: 'Workspace',
      namespace: detail.namespace,
      name: detail.name,
      yaml: edit.yaml,
      baseRevision: detail.revision,
      title: `Update workspace ${detail.namespace}/${detail.name}`,
      description: `Changes ${paths.join(', ')}, from the portal.`,
    });
  };

  const { issues } = edit;
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      aria-labelledby="edit-workspace-title"
      fullWidth
      // wide enough for a repository URL beside its branch
      maxWidth="md"
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
            value={values.fields[field.key]}
            onChange={e => {
              const value = e.target.value;
              setValues(v => ({
                ...v,
                fields: { ...v.fields, [field.key]: value },
              }));
            }}
            error={!!issues[field.key]}
            helperText={issues[field.key]}
            fullWidth
            margin="dense"
            variant="outlined"
          />
        ))}
        <Typography variant="subtitle2" style={{ marginTop: 16 }}>
          Repositories to clone
        </Typography>
        <RepositoriesField
          idPrefix="edit-workspace"
          rows={values.repositories}
          onChange={repositories => setValues(v => ({ ...v, repositories }))}
          error={field => issues[field]}
        />
        <SshPublicKeysField
          id="edit-workspace-sshPublicKeys"
          value={values.sshPublicKeys}
          onChange={sshPublicKeys => setValues(v => ({ ...v, sshPublicKeys }))}
          error={issues.sshPublicKeys}
        />
        {(issues.form || opening.error) && (
          <Typography
            role="alert"
            color="error"
            style={{ whiteSpace: 'pre-wrap' }}
          >
            {issues.form ??
              `Could not open the change request: ${opening.error}`}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        {edit.changes.length === 0 && (
          // says why the button is disabled rather than leaving it to be guessed
          <Typography
            variant="body2"
            color="textSecondary"
            style={{ marginRight: 'auto', paddingLeft: 16 }}
          >
            Nothing changed yet.
          </Typography>
        )}
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={
            opening.busy ||
            edit.changes.length === 0 ||
            Object.keys(issues).length > 0
          }
        >
          Open change request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
