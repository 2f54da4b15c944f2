/*
 * Review, merge and close for changes on the local provider, where the portal is the review UI.
 * Each action reports success or the server's reason through alertApi, then reloads the change.
 * Each button asks the permission policy about the file the change touches (resource
 * `<repository>:<path>`, answered by the gitops backend): one the user may not use is disabled,
 * its tooltip saying why. The backend decides again on every file before and after.
 */
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  gitopsChangeClosePermission,
  gitopsChangeMergePermission,
  gitopsChangeReviewPermission,
} from '@butler-portal/plugin-gitops-common';
import { useState, type ReactElement } from 'react';
import {
  ChangeDetail,
  gitopsApiRef,
  describeMergeableReason,
  MergeableStatus,
} from '@butler-portal/plugin-gitops-react';

type Action = 'approve' | 'request_changes' | 'merge' | 'close';

export interface ChangeActionsProps {
  change: ChangeDetail;
  /** called after an action succeeded, to reload the change */
  onChanged: () => void;
}

/** why a refused action is disabled, or undefined while allowed (or still being asked) */
function refusal(
  decision: { loading: boolean; allowed: boolean },
  what: string,
  file: string | undefined,
): string | undefined {
  if (decision.loading || decision.allowed) return undefined;
  return `You may not ${what} this change: that needs the admin role in the team that owns ${
    file ?? 'its files'
  }`;
}

/** a disabled button still shows its tooltip (a span takes the pointer events) */
function WithReason({
  reason,
  children,
}: {
  reason: string | undefined;
  children: ReactElement;
}) {
  if (!reason) return children;
  return (
    <Tooltip title={reason}>
      <span>{children}</span>
    </Tooltip>
  );
}

export function ChangeActions({ change, onChanged }: ChangeActionsProps) {
  const gitopsApi = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState<Action>();
  const [dialog, setDialog] = useState<'request_changes' | 'close'>();
  const [comment, setComment] = useState('');

  const run = async (
    action: Action,
    call: () => Promise<unknown>,
    done: string,
  ): Promise<boolean> => {
    setBusy(action);
    try {
      await call();
      alertApi.post({
        message: done,
        severity: 'success',
        display: 'transient',
      });
      onChanged();
      return true;
    } catch (e) {
      alertApi.post({
        message: `Could not ${action.replace('_', ' ')} ${change.id}: ${
          (e as Error).message
        }`,
        severity: 'error',
      });
      return false;
    } finally {
      setBusy(undefined);
    }
  };

  // a portal change touches one file: the policy is asked about it (while it answers the
  // buttons stay usable; the backend decides either way)
  const file = change.paths[0];
  const resourceRef = file ? `${change.repository}:${file}` : undefined;
  const reviewDecision = usePermission({
    permission: gitopsChangeReviewPermission,
    resourceRef,
  });
  const mergeDecision = usePermission({
    permission: gitopsChangeMergePermission,
    resourceRef,
  });
  const closeDecision = usePermission({
    permission: gitopsChangeClosePermission,
    resourceRef,
  });
  const reviewRefused = refusal(reviewDecision, 'review', file);
  const mergeRefused = refusal(mergeDecision, 'merge', file);
  const closeRefused = refusal(closeDecision, 'close', file);

  const spinner = (action: Action) =>
    busy === action ? <CircularProgress size={16} /> : undefined;
  const canMerge = change.mergeable === true;

  return (
    <>
      {canMerge && (
        <Box mb={2}>
          <MergeableStatus change={change} />
        </Box>
      )}
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        <WithReason reason={reviewRefused}>
          <Button
            variant="contained"
            color="primary"
            disabled={!!busy || !!reviewRefused}
            startIcon={spinner('approve')}
            onClick={() =>
              run(
                'approve',
                () => gitopsApi.review(change.id, { decision: 'approve' }),
                `Approved ${change.id}`,
              )
            }
          >
            Approve
          </Button>
        </WithReason>
        <WithReason reason={reviewRefused}>
          <Button
            variant="outlined"
            disabled={!!busy || !!reviewRefused}
            startIcon={spinner('request_changes')}
            onClick={() => setDialog('request_changes')}
          >
            Request changes
          </Button>
        </WithReason>
        <WithReason reason={mergeRefused}>
          <Button
            variant="contained"
            color="secondary"
            disabled={!!busy || !canMerge || !!mergeRefused}
            startIcon={spinner('merge')}
            onClick={() =>
              run(
                'merge',
                () => gitopsApi.merge(change.id),
                `Merged ${change.id}`,
              )
            }
          >
            Merge
          </Button>
        </WithReason>
        <WithReason reason={closeRefused}>
          <Button
            variant="outlined"
            disabled={!!busy || !!closeRefused}
            startIcon={spinner('close')}
            onClick={() => setDialog('close')}
          >
            Close
          </Button>
        </WithReason>
      </Box>
      {!canMerge && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="merge-blocked-reason"
          style={{ marginTop: 8 }}
        >
          Cannot merge yet: {describeMergeableReason(change)}.
          {change.mergeableReason === 'conflict' &&
            // approving again does not help; say what does
            ' Another change to the same file was merged first: close this one and make the change again on the current version.'}
        </Typography>
      )}

      <Dialog
        open={dialog === 'request_changes'}
        onClose={() => setDialog(undefined)}
        fullWidth
      >
        <DialogTitle>Request changes</DialogTitle>
        <DialogContent>
          <TextField
            id="gitops-request-changes-comment"
            label="What needs to change"
            multiline
            minRows={3}
            fullWidth
            value={comment}
            onChange={e => setComment(e.target.value)}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDialog(undefined)}>Cancel</Button>
          <Button
            color="primary"
            disabled={!comment.trim()}
            onClick={() => {
              setDialog(undefined);
              run(
                'request_changes',
                () =>
                  gitopsApi.review(change.id, {
                    decision: 'request_changes',
                    comment: comment.trim(),
                  }),
                `Requested changes on ${change.id}`,
              ).then(ok => ok && setComment(''));
            }}
          >
            Send
          </Button>
        </DialogActions>
      </Dialog>

      <Dialog open={dialog === 'close'} onClose={() => setDialog(undefined)}>
        <DialogTitle>Close {change.id} without merging?</DialogTitle>
        <DialogContent>
          <Typography>
            Nothing reaches the default branch; the change request stays listed
            under Closed.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDialog(undefined)}>Cancel</Button>
          <Button
            color="primary"
            onClick={() => {
              setDialog(undefined);
              run(
                'close',
                () => gitopsApi.close(change.id),
                `Closed ${change.id}`,
              );
            }}
          >
            Close change
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
