/*
 * My workspaces (spec.owner is my email), or all of them: each with its template, size, sync
 * state, live phase and the open change requests touching it — including a create that is not
 * merged yet, so a newcomer sees their workspace right after asking for it.
 */
import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Link,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
  StatusPending,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  gitopsApiRef,
  type ChangeSummary,
} from '@butler-portal/plugin-gitops-react';
import type { LiveWorkspace } from '@butler-portal/plugin-butler-common';
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import { makeStyles } from '@material-ui/core/styles';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import AddIcon from '@material-ui/icons/Add';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { butlerRuntimeApiRef } from '../api';
import { useCurrentUser, useRuntimeAvailability } from '../hooks';
import {
  changesByWorkspace,
  isParsed,
  operationOn,
  refKey,
  sizeOf,
  syncOf,
  templateOf,
} from '../lib/workspaces';
import { createWorkspaceRouteRef, workspaceRouteRef } from '../routes';
import {
  LivePhase,
  PendingChanges,
  RuntimeUnavailable,
  SyncStatus,
} from './Status';

const useStyles = makeStyles(theme => ({
  // a narrow window scrolls the table instead of breaking names and states letter by letter
  scroll: { overflowX: 'auto' },
  table: {
    '& td, & th': { wordBreak: 'normal', overflowWrap: 'normal' },
  },
  nowrap: { whiteSpace: 'nowrap' },
  // a squeezed list of changes made every row many lines high
  changes: { minWidth: 200 },
  // on a narrow window the states matter more; the workspace's page has these
  wide: { [theme.breakpoints.down('sm')]: { display: 'none' } },
}));

interface Row {
  namespace: string;
  name: string;
  /** undefined while only a change request adds it */
  resource?: GitOpsResource;
  changes: ChangeSummary[];
}

const isMine = (
  row: Row,
  me: { email?: string; userEntityRef: string } | undefined,
) => {
  if (!me) return false;
  const email = me.email?.toLowerCase();
  if (row.resource) {
    return (
      !!email && String(row.resource.spec.owner ?? '').toLowerCase() === email
    );
  }
  // a pending create: the owner is not readable from the summary, its author is
  return row.changes.some(
    c =>
      c.author.userRef === me.userEntityRef ||
      (!!email && c.author.email?.toLowerCase() === email),
  );
};

export function WorkspaceListPage() {
  const classes = useStyles();
  const gitopsApi = useApi(gitopsApiRef);
  const runtimeApi = useApi(butlerRuntimeApiRef);
  const createLink = useRouteRef(createWorkspaceRouteRef);
  const workspaceLink = useRouteRef(workspaceRouteRef);
  const [params, setParams] = useSearchParams();
  const showAll = params.get('all') === 'true';
  const me = useCurrentUser();
  const runtime = useRuntimeAvailability();

  // My workspaces are filtered on the server (by owner email): at thousands of workspaces the
  // page must not fetch them all to show a few
  const ownerFilter = showAll ? undefined : me.value?.email;
  const data = useAsync(async () => {
    if (!showAll && me.loading) return undefined;
    const [resources, changes, sync] = await Promise.all([
      gitopsApi.listResources({
        kind: 'Workspace',
        ...(ownerFilter && { owner: ownerFilter }),
      }),
      gitopsApi.listChanges({ state: 'open', kind: 'Workspace' }),
      gitopsApi.getSyncStatus({ kind: 'Workspace' }),
    ]);
    return { resources, changes, sync };
  }, [gitopsApi, ownerFilter, showAll, me.loading]);

  const live = useAsync(async () => {
    if (!runtime.value?.available) return new Map<string, LiveWorkspace>();
    const items = await runtimeApi.listWorkspaces();
    return new Map(items.map(w => [refKey(w), w]));
  }, [runtime.value, runtimeApi]);

  const setShowAll = (all: boolean) => {
    const next = new URLSearchParams(params);
    if (all) next.set('all', 'true');
    else next.delete('all');
    setParams(next, { replace: true });
  };

  const createButton = createLink ? (
    // LinkButton, not Button component={Link}: the latter takes the link colour for its text
    <LinkButton
      variant="contained"
      color="primary"
      startIcon={<AddIcon />}
      to={createLink()}
    >
      Create workspace
    </LinkButton>
  ) : null;

  let body: JSX.Element;
  if (data.loading || me.loading || (!data.error && !data.value)) {
    body = <Progress />;
  } else if (data.error) {
    body = <ResponseErrorPanel error={data.error} />;
  } else {
    const { resources, changes, sync } = data.value!;
    const byRef = changesByWorkspace(changes);
    // a file that does not parse has no spec to show; its detail page says what is wrong
    const rows: Row[] = resources.filter(isParsed).map(r => ({
      namespace: r.namespace,
      name: r.name,
      resource: r.object,
      changes: byRef.get(refKey(r)) ?? [],
    }));
    const listed = new Set(rows.map(refKey));
    for (const change of changes) {
      for (const r of change.resources) {
        if (
          r.kind === 'Workspace' &&
          r.operation === 'create' &&
          !listed.has(refKey(r))
        ) {
          listed.add(refKey(r));
          rows.push({
            namespace: r.namespace,
            name: r.name,
            changes: byRef.get(refKey(r)) ?? [],
          });
        }
      }
    }
    const shown = showAll ? rows : rows.filter(row => isMine(row, me.value));
    const available = runtime.value?.available === true;
    body =
      shown.length === 0 ? (
        <EmptyState
          missing="data"
          title="No workspaces yet — create one"
          description={
            showAll
              ? 'No Workspace resources are in the GitOps repositories, and none is pending.'
              : `No workspace is owned by ${
                  me.value?.email ?? 'you'
                }. Pick a template and ask for one; it is created once the change request is merged.${
                  rows.length > 0
                    ? ` Switch on "All workspaces" to see ${
                        rows.length === 1
                          ? 'the other one'
                          : `the ${rows.length} others`
                      }.`
                    : ''
                }`
          }
          action={createButton ?? undefined}
        />
      ) : (
        <div className={classes.scroll}>
          <Table size="small" aria-label="Workspaces" className={classes.table}>
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell className={classes.wide}>Template</TableCell>
                <TableCell className={classes.wide}>Image</TableCell>
                <TableCell>CPU / memory</TableCell>
                <TableCell>Sync</TableCell>
                <TableCell>Live phase</TableCell>
                <TableCell>Pending changes</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {shown.map(row => {
                const title = `${row.namespace}/${row.name}`;
                const pendingCreate = !row.resource;
                return (
                  <TableRow key={title} aria-label={`Workspace ${title}`}>
                    <TableCell className={classes.nowrap}>
                      {workspaceLink ? (
                        <Link
                          to={workspaceLink({
                            namespace: row.namespace,
                            name: row.name,
                          })}
                        >
                          {title}
                        </Link>
                      ) : (
                        title
                      )}
                    </TableCell>
                    <TableCell className={classes.wide}>
                      {row.resource ? templateOf(row.resource) ?? '—' : '—'}
                    </TableCell>
                    <TableCell className={classes.wide}>
                      {row.resource?.spec.image ?? '—'}
                    </TableCell>
                    <TableCell className={classes.nowrap}>
                      {row.resource ? sizeOf(row.resource.spec) : '—'}
                    </TableCell>
                    <TableCell className={classes.nowrap}>
                      {pendingCreate ? (
                        <StatusPending>pending create</StatusPending>
                      ) : (
                        <SyncStatus
                          brief
                          states={
                            sync === undefined ? undefined : syncOf(sync, row)
                          }
                        />
                      )}
                    </TableCell>
                    <TableCell className={classes.nowrap}>
                      {pendingCreate ? (
                        // nothing can run before the create is merged
                        '—'
                      ) : (
                        <LivePhase
                          available={available}
                          live={live.value?.get(title)}
                        />
                      )}
                    </TableCell>
                    <TableCell className={classes.changes}>
                      <PendingChanges changes={row.changes} workspace={row} />
                      {pendingCreate &&
                        row.changes.some(
                          c => operationOn(c, row) === 'create',
                        ) &&
                        ' (created once merged)'}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Workspaces"
        subtitle="Chambers: developer workspaces, each one a reviewed change to Git"
      />
      <Content>
        <ContentHeader title={showAll ? 'All workspaces' : 'My workspaces'}>
          <FormControlLabel
            control={
              <Switch
                checked={showAll}
                onChange={e => setShowAll(e.target.checked)}
                inputProps={{ 'aria-label': 'Show all workspaces' }}
              />
            }
            label="All workspaces"
          />
          {createButton}
        </ContentHeader>
        {runtime.value && !runtime.value.available && (
          <RuntimeUnavailable reason={runtime.value.reason} />
        )}
        {body}
      </Content>
    </Page>
  );
}
