/*
 * Publish, deprecate and yank: each opens a change request (the review is the approval) and
 * never writes anything itself. Publish adds one ArtifactVersion file; deprecate and yank edit
 * the version's file, with the reason required, based on the revision they read it at.
 */
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ChangeLink,
  gitopsApiRef,
  type OpenedChange,
} from '@butler-portal/plugin-gitops-react';
import {
  versionRecordName,
  type ArtifactSummary,
  type ArtifactVersionRecord,
} from '@butler-portal/plugin-registry-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  versionFormProblems,
  versionRecord,
  type VersionForm,
} from '@butler-portal/plugin-registry-common';
import { useOpenChange } from '@butler-portal/plugin-gitops-react';

function Opened(props: { change: OpenedChange; onClose: () => void }) {
  return (
    <>
      <DialogContent>
        <Typography>
          Change request{' '}
          <ChangeLink change={props.change}>#{props.change.number}</ChangeLink>{' '}
          is open. Clients see the version once it is reviewed and merged.
        </Typography>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </>
  );
}

const EMPTY_FORM: VersionForm = {
  version: '',
  repository: '',
  url: '',
  subdirectory: '',
  commit: '',
  changelog: '',
};

/** The publish form; only shown while open, so each opening gets a fresh idempotency key. */
export function PublishVersionDialog(props: {
  artifact: ArtifactSummary;
  onClose: () => void;
}) {
  const { artifact } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const repositories = useAsync(() => gitopsApi.listRepositories(), []);
  const [form, setForm] = useState<VersionForm>(EMPTY_FORM);
  const [touched, setTouched] = useState<Partial<Record<string, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [opened, setOpened] = useState<OpenedChange>();
  const { open, busy, error } = useOpenChange(setOpened);
  const problems = versionFormProblems(
    form,
    artifact.versions.map(v => v.version),
  );
  // live: a field's problem shows as soon as something is typed in it, all of them on submit
  const shown = (field: keyof VersionForm) =>
    submitted || (touched[field] && form[field] !== '')
      ? problems[field]
      : undefined;
  const set = (field: keyof VersionForm, value: string) => {
    setForm(f => ({ ...f, [field]: value }));
    setTouched(t => ({ ...t, [field]: true }));
  };
  const chooseRepository = (id: string) => {
    const repo = repositories.value?.find(r => r.id === id);
    setForm(f => ({
      ...f,
      repository: id,
      url: repo?.cloneUrl ?? repo?.webUrl ?? f.url,
    }));
  };

  const submit = () => {
    setSubmitted(true);
    // a refused form sends nothing
    if (Object.keys(problems).length > 0) return;
    open({
      operation: 'create',
      kind: 'artifactversions',
      namespace: artifact.namespace,
      name: versionRecordName(artifact.name, form.version),
      resource: versionRecord(artifact, form),
      title: `Publish ${artifact.name} ${form.version}`,
    });
  };

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>Publish a version of {artifact.name}</DialogTitle>
      {opened ? (
        <Opened change={opened} onClose={props.onClose} />
      ) : (
        <>
          <DialogContent>
            <TextField
              id="registry-version"
              label="Version"
              required
              fullWidth
              margin="dense"
              value={form.version}
              onChange={e => set('version', e.target.value)}
              error={Boolean(shown('version'))}
              helperText={
                shown('version') ?? 'Canonical SemVer, e.g. 1.4.0 or 2.0.0-rc.1'
              }
            />
            <TextField
              select
              id="registry-portal-repository"
              label="Portal repository"
              fullWidth
              margin="dense"
              value={form.repository}
              onChange={e => chooseRepository(e.target.value)}
              helperText="The GitOps repository holding the source, or none for an outside URL"
            >
              <MenuItem value="">None</MenuItem>
              {(repositories.value ?? []).map(r => (
                <MenuItem key={r.id} value={r.id}>
                  {r.id}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              id="registry-git-url"
              label="Git URL"
              required
              fullWidth
              margin="dense"
              value={form.url}
              onChange={e => set('url', e.target.value)}
              error={Boolean(shown('url'))}
              helperText={shown('url')}
            />
            <TextField
              id="registry-subdirectory"
              label="Subdirectory"
              fullWidth
              margin="dense"
              value={form.subdirectory}
              onChange={e => set('subdirectory', e.target.value)}
              error={Boolean(shown('subdirectory'))}
              helperText={shown('subdirectory') ?? 'e.g. modules/vpc'}
            />
            <TextField
              id="registry-commit-sha"
              label="Commit SHA"
              required
              fullWidth
              margin="dense"
              value={form.commit}
              onChange={e => set('commit', e.target.value.trim())}
              error={Boolean(shown('commit'))}
              helperText={
                shown('commit') ??
                'The full 40-character SHA. The portal cannot resolve a branch or tag, so the version is pinned to exactly this commit.'
              }
            />
            <TextField
              id="registry-changelog"
              label="Changelog"
              fullWidth
              multiline
              minRows={3}
              margin="dense"
              value={form.changelog}
              onChange={e => set('changelog', e.target.value)}
            />
            {error && (
              <Typography color="error" role="alert">
                {error}
              </Typography>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={props.onClose}>Cancel</Button>
            <Button
              color="primary"
              variant="contained"
              disabled={busy}
              onClick={submit}
            >
              Open change request
            </Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}

/** Deprecate or yank one version: edits `spec.deprecated` / `spec.yanked` of its file. */
export function VersionReasonDialog(props: {
  artifact: ArtifactSummary;
  version: string;
  action: 'deprecate' | 'yank';
  onClose: () => void;
}) {
  const { artifact, version, action } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [opened, setOpened] = useState<OpenedChange>();
  const [readError, setReadError] = useState<string>();
  const { open, busy, error } = useOpenChange(setOpened);
  const field = action === 'deprecate' ? 'deprecated' : 'yanked';
  const problem = reason.trim() ? undefined : 'a reason is required';

  const submit = async () => {
    setSubmitted(true);
    if (problem) return;
    const name = versionRecordName(artifact.name, version);
    setReadError(undefined);
    let current;
    try {
      current = await gitopsApi.getResource({
        kind: 'artifactversions',
        namespace: artifact.namespace,
        name,
      });
    } catch (e) {
      setReadError((e as Error).message);
      return;
    }
    if (!current.object) {
      setReadError(
        `${current.path} does not parse: ${(current.issues ?? [])
          .map(i => i.message)
          .join('; ')}`,
      );
      return;
    }
    const record = current.object as unknown as ArtifactVersionRecord;
    await open({
      operation: 'update',
      kind: 'artifactversions',
      namespace: artifact.namespace,
      name,
      baseRevision: current.revision,
      resource: {
        ...record,
        spec: { ...record.spec, [field]: reason.trim() },
      },
      title: `${action === 'deprecate' ? 'Deprecate' : 'Yank'} ${
        artifact.name
      } ${version}`,
    });
  };

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        {action === 'deprecate' ? 'Deprecate' : 'Yank'} {artifact.name}{' '}
        {version}
      </DialogTitle>
      {opened ? (
        <Opened change={opened} onClose={props.onClose} />
      ) : (
        <>
          <DialogContent>
            <Typography variant="body2" paragraph>
              {action === 'deprecate'
                ? 'A deprecated version stays resolvable and is flagged to every client.'
                : 'A yanked version leaves every client index: nothing can resolve or download it any more.'}
            </Typography>
            <TextField
              id="registry-reason"
              label="Reason"
              required
              fullWidth
              multiline
              margin="dense"
              value={reason}
              onChange={e => setReason(e.target.value)}
              error={submitted && Boolean(problem)}
              helperText={submitted ? problem : undefined}
            />
            {(error || readError) && (
              <Typography color="error" role="alert">
                {readError ?? error}
              </Typography>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={props.onClose}>Cancel</Button>
            <Button
              color="primary"
              variant="contained"
              disabled={busy}
              onClick={submit}
            >
              Open change request
            </Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}
