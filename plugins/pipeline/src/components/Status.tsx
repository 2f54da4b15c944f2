/*
 * Sync state and change lists the Pipelines pages share.
 */
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  ChangeLink,
  type ChangeSummary,
  type ResourceSyncStatus,
} from '@butler-portal/plugin-gitops-react';
import Tooltip from '@material-ui/core/Tooltip';
import { operationOn, type PipelineRef } from '../lib/pipelines';

/** The worst state over the targets holding the pipeline; "not synced yet" when none does. */
export function SyncState(props: { states: ResourceSyncStatus[] | undefined; brief?: boolean }) {
  const { states, brief } = props;
  if (states === undefined) return <StatusAborted>no reconciler</StatusAborted>;
  if (states.length === 0) return <StatusPending>not synced yet</StatusPending>;
  const worst =
    states.find(s => s.status === 'Failed') ??
    states.find(s => s.status !== 'Synced') ??
    states[0];
  const error = worst.lastError ?? worst.message;
  if (worst.status === 'Synced') return <StatusOK>Synced</StatusOK>;
  const text = error && !brief ? `${worst.status}: ${error}` : worst.status;
  const status =
    worst.status === 'Failed' ? <StatusError>{text}</StatusError> : <StatusWarning>{text}</StatusWarning>;
  return brief && error ? (
    <Tooltip title={error}>
      <span aria-label={`${worst.status}: ${error}`}>{status}</span>
    </Tooltip>
  ) : (
    status
  );
}

/** `#12 (update)` links, or a dash. */
export function ChangeList(props: { changes: ChangeSummary[]; pipeline: PipelineRef }) {
  if (props.changes.length === 0) return <>—</>;
  return (
    <>
      {props.changes.map((c, i) => (
        <span key={c.id}>
          {i > 0 && ', '}
          <ChangeLink change={c} /> ({operationOn(c, props.pipeline) ?? 'change'})
        </span>
      ))}
    </>
  );
}
