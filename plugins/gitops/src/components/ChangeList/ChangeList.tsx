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
import { type ReactNode, useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type { ChangeSummary } from '@butler-portal/plugin-gitops-common';
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

const PAGE_SIZE = 50;

const EMPTY_TITLES: Record<string, string> = {
  open: 'No open change requests',
  merged: 'No merged change requests',
  closed: 'No closed change requests',
};

export function ChangeList(props: ChangeListProps) {
  const { filter, title, emptyContent, dense, hideState } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const { state, kind, author, repository } = filter;
  // the first page shows as soon as it arrives (hundreds of merged changes are several pages);
  // "Show more" fetches the next one. 50 rows: the table shows 20 a page, and each row of a
  // page is worked out by the backend (its view) before the page answers
  const limit = PAGE_SIZE;
  const first = useAsyncRetry(async () => {
    if (!gitopsApi.listChangePage) {
      return { items: await gitopsApi.listChanges({ state, kind, author, repository }) };
    }
    return gitopsApi.listChangePage({ state, kind, author, repository, limit });
  }, [gitopsApi, state, kind, author, repository]);
  const [more, setMore] = useState<{ items: ChangeSummary[]; nextCursor?: string }>();
  const [moreState, setMoreState] = useState<{ loading: boolean; error?: Error }>({
    loading: false,
  });
  useEffect(() => {
    setMore(undefined);
    setMoreState({ loading: false });
  }, [first.value]);
  const { loading, error, retry } = first;
  const value = first.value && [...first.value.items, ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : first.value?.nextCursor;
  const showMore = async () => {
    if (!nextCursor || !gitopsApi.listChangePage) return;
    setMoreState({ loading: true });
    try {
      const page = await gitopsApi.listChangePage({
        state,
        kind,
        author,
        repository,
        limit,
        cursor: nextCursor,
      });
      setMore(previous => ({
        items: [...(previous?.items ?? []), ...page.items],
        nextCursor: page.nextCursor,
      }));
      setMoreState({ loading: false });
    } catch (e) {
      setMoreState({ loading: false, error: e as Error });
    }
  };
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
    <>
      <ChangeTable
        changes={value}
        title={title}
        dense={dense}
        hideState={hideState}
        syncTargets={sync.value ?? undefined}
      />
      {moreState.error && (
        <ResponseErrorPanel
          title={`Could not load more change requests: ${moreState.error.message}`}
          error={moreState.error}
        />
      )}
      {nextCursor && (
        <Box mt={2}>
          <Button
            variant="outlined"
            color="primary"
            onClick={showMore}
            disabled={moreState.loading}
          >
            {moreState.loading ? 'Loading…' : 'Show more'}
          </Button>
        </Box>
      )}
    </>
  );
}
