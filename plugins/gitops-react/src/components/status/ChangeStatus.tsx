/*
 * Small status displays shared by the change list, the change detail page and other plugins
 * that show change requests (Chambers workspaces).
 */
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { DateTime } from 'luxon';
import type { ChangeState, ChangeSummary, Check } from '../../api';
import { describeApproval, describeMergeability } from './describe';

/** "3 minutes ago", with the exact time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const time = DateTime.fromISO(iso);
  if (!time.isValid) return <>{iso}</>;
  return (
    <Tooltip title={time.toLocaleString(DateTime.DATETIME_MED_WITH_SECONDS)}>
      <span>{time.toRelative()}</span>
    </Tooltip>
  );
}

const STATE_COLORS: Record<ChangeState, 'primary' | 'secondary' | 'default'> = {
  open: 'primary',
  merged: 'secondary',
  closed: 'default',
};

export function ChangeStateChip({ state }: { state: ChangeState }) {
  return (
    <Chip
      size="small"
      label={state}
      color={STATE_COLORS[state]}
      data-testid="change-state"
    />
  );
}

export function ApprovalStatus({ change }: { change: ChangeSummary }) {
  const text = describeApproval(change.approval);
  if (change.approval.approved) return <StatusOK>Approved ({text})</StatusOK>;
  return <StatusWarning>{text}</StatusWarning>;
}

export function MergeableStatus(props: {
  change: ChangeSummary;
  brief?: boolean;
}) {
  const { change, brief } = props;
  if (change.state === 'merged') return <StatusOK>Merged</StatusOK>;
  if (change.state === 'closed') return <StatusAborted>Closed</StatusAborted>;
  if (change.mergeable === undefined && !change.mergeableReason) {
    return <StatusPending>Checking mergeability</StatusPending>;
  }
  const text = describeMergeability(change, { brief });
  return change.mergeable ? (
    <StatusOK>{text}</StatusOK>
  ) : (
    <StatusError>{text}</StatusError>
  );
}

/** A check; `brief` shows only its name, with the description on hover. */
export function CheckStatus(props: { check: Check; brief?: boolean }) {
  const { check, brief } = props;
  const label =
    check.description && !brief
      ? `${check.context}: ${check.description}`
      : check.context;
  const text = check.targetUrl ? (
    <a href={check.targetUrl} target="_blank" rel="noopener noreferrer">
      {label}
    </a>
  ) : (
    label
  );
  let status;
  switch (check.state) {
    case 'success':
      status = <StatusOK>{text}</StatusOK>;
      break;
    case 'pending':
      status = <StatusRunning>{text}</StatusRunning>;
      break;
    default:
      status = <StatusError>{text}</StatusError>;
  }
  if (!brief || !check.description) return status;
  return (
    <Tooltip title={`${check.state}: ${check.description}`}>
      <span>{status}</span>
    </Tooltip>
  );
}

export function ChecksStatus(props: { checks: Check[]; brief?: boolean }) {
  const { checks, brief } = props;
  if (checks.length === 0)
    return <StatusPending>No checks reported</StatusPending>;
  return (
    <>
      {checks.map(check => (
        <div key={check.context}>
          <CheckStatus check={check} brief={brief} />
        </div>
      ))}
    </>
  );
}
