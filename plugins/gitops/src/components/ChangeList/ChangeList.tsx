/*
 * Change requests matching a filter, fetched from the gitops backend, with loading, empty and
 * error (retry) states. The Changes page uses it; so can an entity card.
 */
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  ChangeListFilter,
  gitopsApiRef,
} from '@butler-portal/plugin-gitops-react';
import { ChangeTable } from './ChangeTable';

export interface ChangeListProps {
  filter: ChangeListFilter;
  title?: string;
  /** replaces the default empty state */
  emptyContent?: ReactNode;
  dense?: boolean;
  /** leave out the state column, e.g. when the page already filters by state */
  hideState?: boolean;
}

const EMPTY_TITLES: Record<string, string> = {
  open: 'No open change requests',
  merged: 'No merged change requests',
  closed: 'No closed change requests',
};

export function ChangeList(props: ChangeListProps) {
  const { filter, title, emptyContent, dense, hideState } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const { state, kind, author, repository } = filter;
  const { value, loading, error, retry } = useAsyncRetry(
    () => gitopsApi.listChanges({ state, kind, author, repository }),
    [gitopsApi, state, kind, author, repository],
  );
  // only merged changes have a sync state; an error here leaves the column out, not the list
  const showsMerged = state === undefined || state === 'merged';
  const sync = useAsync(
    async () => (showsMerged ? gitopsApi.getSyncStatus() : undefined),
    [gitopsApi, showsMerged],
  );

  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <>
        <ResponseErrorPanel
          title={`Could not load change requests: ${error.message}`}
          error={error}
        />
        <Box mt={2}>
          <Button variant="outlined" color="primary" onClick={retry}>
            Retry
          </Button>
        </Box>
      </>
    );
  }
  if (!value?.length) {
    return (
      <>
        {emptyContent ?? (
          <EmptyState
            missing="data"
            title={EMPTY_TITLES[state ?? ''] ?? 'No change requests'}
            description="Changes made in the portal or pushed as branches appear here."
          />
        )}
      </>
    );
  }
  return (
    <ChangeTable
      changes={value}
      title={title}
      dense={dense}
      hideState={hideState}
      syncTargets={sync.value ?? undefined}
    />
  );
}
