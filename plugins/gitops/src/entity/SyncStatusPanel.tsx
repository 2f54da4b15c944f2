/*
 * Whether the cluster (or Vector) holds what Git says about this resource, per sync target, as
 * the reconciler reports it.
 */
import {
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  findSyncEntries,
  gitopsApiRef,
  type ResourceSyncStatus,
  type SyncEntry,
} from '@butler-portal/plugin-gitops-react';
import { shortSha } from './annotations';

function ResourceState({ resource }: { resource: ResourceSyncStatus }) {
  const text = resource.reason
    ? `${resource.status} (${resource.reason})`
    : resource.status;
  switch (resource.status) {
    case 'Synced':
      return <StatusOK>{text}</StatusOK>;
    case 'Failed':
      return <StatusError>{text}</StatusError>;
    default:
      return <StatusWarning>{text}</StatusWarning>;
  }
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Typography variant="body2">
      <Typography component="span" variant="body2" color="textSecondary">
        {label}:
      </Typography>{' '}
      {children}
    </Typography>
  );
}

function TargetEntry({ entry }: { entry: SyncEntry }) {
  const { target, resource } = entry;
  return (
    <Box mb={2} data-testid={`sync-target-${target.target}`}>
      <Typography variant="subtitle2">
        {target.target} ({target.repository})
      </Typography>
      {resource ? (
        <>
          <ResourceState resource={resource} />
          <Detail label="Applied revision">
            {resource.revision ? shortSha(resource.revision) : 'never applied'}
          </Detail>
          {resource.health && (
            <Detail label="Health">
              {resource.health.status}
              {resource.health.message ? `: ${resource.health.message}` : ''}
            </Detail>
          )}
          {resource.lastError && (
            <Detail label="Last error">{resource.lastError}</Detail>
          )}
        </>
      ) : (
        <StatusPending>Not in this target yet</StatusPending>
      )}
      <Detail label="Target">
        {target.condition} ({target.reason})
        {target.revision ? ` at ${shortSha(target.revision)}` : ''}
      </Detail>
    </Box>
  );
}

export function SyncStatusPanel(props: {
  resourceRef: { kind: string; namespace: string; name: string };
  repository?: string;
  /** the kind is applied by the reconciler (Butler kinds); others are records only */
  applied: boolean;
}) {
  const { resourceRef, repository, applied } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const { value, loading, error } = useAsync(
    () => gitopsApi.getSyncStatus(),
    [gitopsApi],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        title={`Could not load the sync status: ${error.message}`}
        error={error}
      />
    );
  }
  if (value === undefined) {
    return (
      <Typography variant="body2" color="textSecondary">
        Sync status not available: this portal runs no reconciler.
      </Typography>
    );
  }
  const entries = findSyncEntries(value, resourceRef, repository);
  if (entries.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {applied
          ? `No sync target reports on ${repository ?? 'this repository'} yet.`
          : 'Not applied to a cluster: this kind is kept in Git only.'}
      </Typography>
    );
  }
  return (
    <>
      {entries.map(entry => (
        <TargetEntry
          key={`${entry.target.repository}/${entry.target.target}`}
          entry={entry}
        />
      ))}
    </>
  );
}
