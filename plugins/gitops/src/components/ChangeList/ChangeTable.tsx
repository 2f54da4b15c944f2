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

function TitleCell({ change }: { change: ChangeSummary }) {
  const changeLink = useRouteRef(changeRouteRef);
  const href = changeLink?.(changePathParam(change.id));
  return (
    <>
      {href ? <Link to={href}>{change.title}</Link> : change.title}
      <Typography variant="body2" color="textSecondary">
        {change.repository}#{change.number} ·{' '}
        {change.resources.map(describeResource).join(', ') ||
          change.paths.join(', ')}
      </Typography>
    </>
  );
}

function ProviderCell({ change }: { change: ChangeSummary }) {
  const name = PROVIDER_NAMES[change.provider] ?? change.provider;
  if (!change.url) return <>{name}</>;
  return <Link to={change.url}>{name}</Link>;
}

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
      title: 'Author',
      field: 'author.name',
      render: change => change.author.name || change.author.login,
    },
    {
      title: 'Age',
      cellStyle: { whiteSpace: 'nowrap' },
      field: 'createdAt',
      defaultSort: 'desc',
      render: change => <RelativeTime iso={change.createdAt} />,
    },
    {
      title: 'Review',
      cellStyle: { minWidth: 150 },
      sorting: false,
      render: change => <ApprovalStatus change={change} />,
    },
    {
      title: 'Checks',
      cellStyle: { minWidth: 130 },
      sorting: false,
      hidden: dense,
      render: change => <ChecksStatus checks={change.checks} brief />,
    },
    {
      title: 'Merge',
      cellStyle: { minWidth: 150 },
      sorting: false,
      render: change => <MergeableStatus change={change} brief />,
    },
    {
      title: 'Sync',
      cellStyle: { minWidth: 150 },
      sorting: false,
      hidden: !syncTargets || !anyMerged,
      render: change => (
        <ChangeSyncStatus change={change} targets={syncTargets} brief />
      ),
    },
    {
      title: 'Provider',
      field: 'provider',
      hidden: dense,
      render: change => <ProviderCell change={change} />,
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
        padding: 'dense',
      }}
      emptyContent={emptyContent}
    />
  );
}
