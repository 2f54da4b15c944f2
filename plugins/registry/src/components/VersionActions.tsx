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
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  isFullCommitSha,
  refProblem,
  versionFormProblems,
  versionRecord,
  type VersionForm,
} from '@butler-portal/plugin-registry-common';
import { useOpenChange } from '@butler-portal/plugin-gitops-react';
import { registryApiRef, type RegistryApi } from '../api';

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
  ref: '',
  commit: '',
  changelog: '',
};

/** What a ref of a source resolved to, or why it did not. */
interface Resolution {
  source: string;
  ref: string;
  commit?: string;
  /** an outside repository: a full SHA is pinned as given, unchecked */
  unchecked?: boolean;
  problem?: string;
}

const RESOLVE_DELAY_MS = 300;

/**
 * The registry resolves a ref of a portal repository. A full SHA of an outside repository cannot
 * be checked here (the PR check does where the repository is reachable), so it is pinned as given.
 */
async function resolveRef(
  api: RegistryApi,
  source: string,
  ref: string,
): Promise<Resolution> {
  try {
    const { commit } = await api.resolveSourceRef({ source, ref });
    return { source, ref, commit };
  } catch (e) {
    const status = (e as { response?: { status?: number } }).response?.status;
    const outside = /not one of the portal's repositories/.test(
      (e as Error).message,
    );
    if (status === 404 && outside && isFullCommitSha(ref)) {
      return { source, ref, commit: ref, unchecked: true };
    }
    return { source, ref, problem: (e as Error).message };
  }
}

/** The publish form; only shown while open, so each opening gets a fresh idempotency key. */
export function PublishVersionDialog(props: {
  artifact: ArtifactSummary;
  onClose: () => void;
}) {
  const { artifact } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const registryApi = useApi(registryApiRef);
  const repositories = useAsync(() => gitopsApi.listRepositories(), []);
  const [form, setForm] = useState<VersionForm>(EMPTY_FORM);
  const [resolution, setResolution] = useState<Resolution>();
  const [resolving, setResolving] = useState(false);
  const [pinning, setPinning] = useState(false);
  const source = form.repository || form.url.trim();
  const [touched, setTouched] = useState<Partial<Record<string, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [opened, setOpened] = useState<OpenedChange>();
  const { open, busy, error } = useOpenChange(setOpened);
  // live: the ref is resolved shortly after typing stops, and the SHA it pins is shown
  useEffect(() => {
    if (!source || refProblem(form.ref)) {
      setResolution(undefined);
      return undefined;
    }
    let current = true;
    setResolving(true);
    const timer = setTimeout(() => {
      resolveRef(registryApi, source, form.ref).then(r => {
        if (!current) return;
        setResolution(r);
        setResolving(false);
      });
    }, RESOLVE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [registryApi, source, form.ref]);
  const resolved =
    resolution?.source === source && resolution.ref === form.ref
      ? resolution
      : undefined;
  const problems = versionFormProblems(
    { ...form, commit: resolved?.commit ?? '' },
    artifact.versions.map(v => v.version),
  );
  const refHelp = (): string => {
    if (problems.ref) return problems.ref;
    if (resolved?.problem) return resolved.problem;
    if (resolved?.commit) {
      return resolved.unchecked
        ? `Pins commit ${resolved.commit} as given (an outside repository is not checked here)`
        : `Resolves to commit ${resolved.commit}; the version pins the commit the ref points at when you submit`;
    }
    if (resolving) return 'Resolving…';
    return 'A branch, tag or full commit SHA; it is resolved to the commit SHA the version pins';
  };
  const refError =
    (submitted || (touched.ref && form.ref !== '')) &&
    Boolean(problems.ref || resolved?.problem || (submitted && problems.commit));
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

  const submit = async () => {
    setSubmitted(true);
    // a refused form sends nothing; the commit is resolved again below, at submit time
    const { commit: _unresolved, ...others } = problems;
    if (Object.keys(others).length > 0) return;
    setPinning(true);
    const pinned = await resolveRef(registryApi, source, form.ref);
    setPinning(false);
    setResolution(pinned);
    if (!pinned.commit) return;
    open({
      operation: 'create',
      kind: 'artifactversions',
      namespace: artifact.namespace,
      name: versionRecordName(artifact.name, form.version),
      resource: versionRecord(artifact, { ...form, commit: pinned.commit }),
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
              id="registry-ref"
              label="Branch, tag or commit"
              required
              fullWidth
              margin="dense"
              value={form.ref}
              onChange={e => set('ref', e.target.value.trim())}
              error={refError}
              helperText={refHelp()}
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
              disabled={busy || pinning}
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
