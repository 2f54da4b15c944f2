/*
 * A table of change requests. Presentational: the Changes page feeds it from the list endpoint,
 * an entity card can feed it the `changes` of a resource.
 */
import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import {
  type ChangeSummary,
  type SyncTargetStatus,
  changePathParam,
  changeRouteRef,
  ApprovalStatus,
  ChangeStateChip,
  ChangeSyncStatus,
  ChecksStatus,
  describeResource,
  MergeableStatus,
  PROVIDER_NAMES,
  RelativeTime,
} from '@butler-portal/plugin-gitops-react';

export interface ChangeTableProps {
  changes: ChangeSummary[];
  title?: string;
  /** shown instead of the table body when there are no changes */
  emptyContent?: ReactNode;
  /** leave out columns that a narrow card has no room for */
  dense?: boolean;
  /** leave out the state column, e.g. when the page already filters by state */
  hideState?: boolean;
  /** GET /sync: with it, merged changes show whether the reconciler applied them */
  syncTargets?: SyncTargetStatus[];
}

/**
 * The title, and below it where the change is and what it touches. A change on GitHub or
 * GitLab links out there too: the provider no longer has a column of its own, which pushed the
 * status columns off the side of the table.
 */
function TitleCell({ change }: { change: ChangeSummary }) {
  const changeLink = useRouteRef(changeRouteRef);
  const href = changeLink?.(changePathParam(change.id));
  const provider = PROVIDER_NAMES[change.provider] ?? change.provider;
  return (
    <>
      {href ? <Link to={href}>{change.title}</Link> : change.title}
      <Typography variant="body2" color="textSecondary">
        {change.repository}#{change.number} ·{' '}
        {change.resources.map(describeResource).join(', ') ||
          change.paths.join(', ')}
        {change.url && (
          <>
            {' · '}
            <Link to={change.url}>Open in {provider}</Link>
          </>
        )}
      </Typography>
    </>
  );
}

/** Status cells wrap between words only: the theme's break-word split "Synced" into "Synce d". */
const STATUS_CELL = { wordBreak: 'normal', overflowWrap: 'normal' } as const;

export function ChangeTable(props: ChangeTableProps) {
  const { changes, title, emptyContent, dense, hideState, syncTargets } = props;
  const anyMerged = changes.some(c => c.state === 'merged');
  const columns: TableColumn<ChangeSummary>[] = [
    {
      title: 'Change',
      field: 'title',
      highlight: true,
      cellStyle: { minWidth: 220 },
      render: change => <TitleCell change={change} />,
    },
    {
      title: 'State',
      field: 'state',
      hidden: hideState,
      render: change => <ChangeStateChip state={change.state} />,
    },
    {
      // who and when in one column: two columns of their own squeezed the status columns
      title: 'Opened',
      field: 'createdAt',
      defaultSort: 'desc',
      cellStyle: { whiteSpace: 'nowrap' },
      render: change => (
        <>
          <Typography variant="body2">
            {change.author.name || change.author.login}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            <RelativeTime iso={change.createdAt} />
          </Typography>
        </>
      ),
    },
    {
      title: 'Review',
      cellStyle: { ...STATUS_CELL, minWidth: 160 },
      sorting: false,
      render: change => <ApprovalStatus change={change} />,
    },
    {
      title: 'Checks',
      cellStyle: { ...STATUS_CELL, minWidth: 180 },
      sorting: false,
      hidden: dense,
      render: change => <ChecksStatus checks={change.checks} brief />,
    },
    {
      title: 'Merge',
      cellStyle: { ...STATUS_CELL, minWidth: 150 },
      sorting: false,
      render: change => <MergeableStatus change={change} brief />,
    },
    {
      title: 'Sync',
      cellStyle: { ...STATUS_CELL, minWidth: 160 },
      sorting: false,
      hidden: !syncTargets || !anyMerged,
      render: change => (
        <ChangeSyncStatus change={change} targets={syncTargets} brief />
      ),
    },
  ];
  return (
    <Table<ChangeSummary>
      title={title}
      columns={columns}
      data={changes}
      options={{
        paging: changes.length > 20,
        pageSize: 20,
        search: !dense,
        // without a title or search the toolbar is an empty band above the header
        toolbar: !!title || !dense,
        padding: 'dense',
      }}
      emptyContent={emptyContent}
    />
  );
}
