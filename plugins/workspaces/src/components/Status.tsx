/*
 * Small displays the list, the detail page and the catalog card share: sync state, live phase,
 * the "no management cluster" notice, and links to change requests.
 */
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ChangeLink,
  ChangeStateChip,
  gitopsApiRef,
  type ChangeSummary,
  type OpenedChange,
  type ResourceSyncStatus,
} from '@butler-portal/plugin-gitops-react';
import type { LiveWorkspace } from '@butler-portal/plugin-butler-common';
import Paper from '@material-ui/core/Paper';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import InfoIcon from '@material-ui/icons/InfoOutlined';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { operationOn, type WorkspaceRef } from '../lib/workspaces';

const useStyles = makeStyles(theme => ({
  notice: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1.5, 2),
    marginBottom: theme.spacing(2),
  },
  changes: { margin: 0, paddingLeft: theme.spacing(2) },
}));

/** Sync state over every target holding the workspace; "not synced yet" when none does. */
export function SyncStatus({
  states,
  brief,
}: {
  states: ResourceSyncStatus[] | undefined;
  /** the error on hover, not inline: a table row stays one line high */
  brief?: boolean;
}) {
  if (states === undefined) return <StatusAborted>no reconciler</StatusAborted>;
  if (states.length === 0) return <StatusPending>not synced yet</StatusPending>;
  const worst =
    states.find(s => s.status === 'Failed') ??
    states.find(s => s.status === 'Drifted' || s.status === 'OutOfSync') ??
    states[0];
  const text =
    worst.lastError && !brief
      ? `${worst.status}: ${worst.lastError}`
      : worst.status;
  let status: JSX.Element;
  switch (worst.status) {
    case 'Synced':
      return <StatusOK>Synced</StatusOK>;
    case 'Failed':
      status = <StatusError>{text}</StatusError>;
      break;
    default:
      status = <StatusWarning>{text}</StatusWarning>;
  }
  if (!brief || !worst.lastError) return status;
  return (
    <Tooltip title={worst.lastError}>
      <span aria-label={`${worst.status}: ${worst.lastError}`}>{status}</span>
    </Tooltip>
  );
}

/** The phase the cluster reports, or why there is none. */
export function LivePhase(props: {
  live: LiveWorkspace | undefined;
  available: boolean;
}) {
  const { live, available } = props;
  if (!available) return <StatusAborted>unavailable</StatusAborted>;
  if (!live || !live.exists)
    return <StatusPending>not on the cluster</StatusPending>;
  const phase = live.phase ?? 'Unknown';
  switch (phase) {
    case 'Running':
      return <StatusOK>Running</StatusOK>;
    case 'Failed':
      return <StatusError>Failed</StatusError>;
    case 'Stopped':
      return <StatusAborted>Stopped</StatusAborted>;
    case 'Creating':
    case 'Starting':
      return <StatusRunning>{phase}</StatusRunning>;
    default:
      return <StatusPending>{phase}</StatusPending>;
  }
}

/** The notice shown instead of live status when the portal has no management cluster. */
export function RuntimeUnavailable({ reason }: { reason: string }) {
  const classes = useStyles();
  return (
    <Paper
      variant="outlined"
      className={classes.notice}
      role="status"
      aria-label="Runtime unavailable"
    >
      <InfoIcon color="action" />
      <Typography variant="body2">{reason}</Typography>
    </Paper>
  );
}

/** The open change requests touching a workspace, each with its link, operation and state. */
export function PendingChanges(props: {
  changes: ChangeSummary[];
  workspace: WorkspaceRef;
  empty?: string;
}) {
  const classes = useStyles();
  const { changes, workspace } = props;
  if (changes.length === 0) {
    return <Typography variant="body2">{props.empty ?? 'none'}</Typography>;
  }
  return (
    <ul
      className={classes.changes}
      aria-label={`Pending changes of ${workspace.namespace}/${workspace.name}`}
    >
      {changes.map(change => (
        <li key={change.id}>
          <ChangeLink change={change}>
            #{change.number} {operationOn(change, workspace) ?? 'change'}
          </ChangeLink>{' '}
          <ChangeStateChip state={change.state} />
        </li>
      ))}
    </ul>
  );
}

/** How often the notice re-reads the state of the change it opened. */
const CHANGE_REFRESH_MS = 15_000;

/**
 * What the user sees right after opening a change request: its link and its state, re-read
 * while the page is open so that "merged" shows up without a reload.
 */
export function OpenedChangeNotice(props: {
  change: OpenedChange;
  what: string;
}) {
  const { change, what } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const current = useAsyncRetry(
    async () => gitopsApi.getChange(change.id),
    [gitopsApi, change.id],
  );
  const state = current.value?.state ?? change.state;
  useInterval(current.retry, state === 'open' ? CHANGE_REFRESH_MS : null);
  return (
    <Paper variant="outlined" role="status" aria-label="Change request opened">
      <Typography variant="body1" style={{ padding: 16 }}>
        {what}: change request{' '}
        <ChangeLink change={change}>#{change.number}</ChangeLink> in{' '}
        {change.repository} is <ChangeStateChip state={state} />.{' '}
        {state === 'merged'
          ? 'It is merged: the reconciler applies it shortly.'
          : 'It takes effect once reviewed and merged.'}
      </Typography>
    </Paper>
  );
}
