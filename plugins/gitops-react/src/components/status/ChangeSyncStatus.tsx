/*
 * The sync state of a merged change: applied (Synced at a commit), waiting for the reconciler
 * (OutOfSync, pending) or Failed with the last error. One line per sync target.
 */
import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { ChangeSummary, SyncTargetStatus } from '../../api';
import { changeSyncStates, type ChangeSyncState } from './changeSyncState';

function Line({
  entry,
  showTarget,
  brief,
}: {
  entry: ChangeSyncState;
  showTarget: boolean;
  brief?: boolean;
}) {
  const prefix = showTarget ? `${entry.target}: ` : '';
  if (entry.state === 'Synced') {
    return (
      <StatusOK>
        {prefix}Synced at {entry.revision.slice(0, 7)}
      </StatusOK>
    );
  }
  if (entry.state === 'OutOfSync') {
    return <StatusPending>{prefix}OutOfSync (pending)</StatusPending>;
  }
  if (brief) {
    return (
      <Tooltip title={entry.error}>
        <span>
          <StatusError>{prefix}Failed</StatusError>
        </span>
      </Tooltip>
    );
  }
  return (
    <>
      <StatusError>{prefix}Failed</StatusError>
      <Typography variant="body2" color="textSecondary" component="div">
        {entry.error}
      </Typography>
    </>
  );
}

export function ChangeSyncStatus(props: {
  change: ChangeSummary;
  targets: SyncTargetStatus[] | undefined;
  /** the error in a tooltip instead of below */
  brief?: boolean;
}) {
  const entries = changeSyncStates(props.change, props.targets);
  if (entries.length === 0) return null;
  return (
    <div data-testid="change-sync-status">
      {entries.map(entry => (
        <div key={entry.target}>
          <Line
            entry={entry}
            showTarget={entries.length > 1}
            brief={props.brief}
          />
        </div>
      ))}
    </div>
  );
}
