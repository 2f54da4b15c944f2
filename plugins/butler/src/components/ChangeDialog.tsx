/*
 * One dialog for every cluster and addon change: the caller computes the file change (and any
 * limit issues) from the form; the dialog shows what is wrong before submit, opens the change
 * request with one idempotency key per dialog, and then links to it.
 */
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ChangeLink,
  gitopsApiRef,
  type OpenedChange,
} from '@butler-portal/plugin-gitops-react';
import type { ChangeOperation } from '@butler-portal/plugin-gitops-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useState, type ReactNode } from 'react';
import type { FileChange } from '../lib/changes';
import { newIdempotencyKey } from '@butler-portal/plugin-gitops-react';

export interface ChangeDialogProps {
  open: boolean;
  title: string;
  onClose(): void;
  /** the form fields */
  children?: ReactNode;
  operation: ChangeOperation;
  kind: 'TenantCluster' | 'TenantAddon';
  namespace: string;
  name: string;
  /** the file change the form stands for (a delete needs only the path) */
  change?: FileChange;
  /** further issues (team limits), each naming its limit */
  limitIssues?: string[];
  baseRevision?: string;
  changeTitle: string;
  description?: string;
}

export function ChangeDialog(props: ChangeDialogProps) {
  const gitops = useApi(gitopsApiRef);
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [opened, setOpened] = useState<OpenedChange>();
  const issues = [
    ...(props.change?.issues ?? []),
    ...(props.limitIssues ?? []),
  ];
  const ready =
    props.operation === 'delete' ||
    (!!props.change?.yaml && issues.length === 0);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setOpened(
        await gitops.openChange(
          {
            operation: props.operation,
            kind: props.kind,
            namespace: props.namespace,
            name: props.name,
            ...(props.operation !== 'delete' && { yaml: props.change!.yaml }),
            ...(props.baseRevision && { baseRevision: props.baseRevision }),
            title: props.changeTitle,
            ...(props.description && { description: props.description }),
          },
          { idempotencyKey: key },
        ),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="butler-change-title"
    >
      <DialogTitle id="butler-change-title">{props.title}</DialogTitle>
      <DialogContent>
        {opened ? (
          <Typography>
            Change request <ChangeLink change={opened} /> is open for review.
            The cluster changes once it is approved and merged.
          </Typography>
        ) : (
          <>
            {props.children}
            {props.change?.path && (
              <Typography variant="caption" display="block">
                File: {props.change.path}
              </Typography>
            )}
            {issues.map(issue => (
              <Typography
                key={issue}
                color="error"
                variant="body2"
                role="alert"
              >
                {issue}
              </Typography>
            ))}
            {error && (
              <Typography color="error" variant="body2" role="alert">
                {error}
              </Typography>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{opened ? 'Close' : 'Cancel'}</Button>
        {!opened && (
          <Button
            color="primary"
            variant="contained"
            disabled={!ready || busy}
            onClick={submit}
          >
            Open change request
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
