/*
 * Every Pipeline in the GitOps repositories (and those a change request is about to create):
 * owner, component counts, whether the Herald rules pass, the sync state, open changes.
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
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { gitopsApiRef, type ChangeSummary } from '@butler-portal/plugin-gitops-react';
import type { ResourceEntry } from '@butler-portal/plugin-gitops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import AddIcon from '@material-ui/icons/Add';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  changesByPipeline,
  componentCounts,
  refKey,
  syncStatesOf,
  validateEntry,
} from '../lib/pipelines';
import { createPipelineRouteRef, pipelineRouteRef } from '../routes';
import { ChangeList, SyncState } from './Status';

interface Row {
  namespace: string;
  name: string;
  entry?: ResourceEntry;
  changes: ChangeSummary[];
}

function Validation({ entry }: { entry: ResourceEntry }) {
  const result = useMemo(() => validateEntry(entry), [entry]);
  if (result.errors.length > 0) {
    return (
      <Tooltip title={result.errors.slice(0, 5).map(i => i.message).join('\n')}>
        <span>
          <StatusError>
            {result.errors.length} error{result.errors.length > 1 ? 's' : ''}
          </StatusError>
        </span>
      </Tooltip>
    );
  }
  if (result.warnings.length > 0) {
    return (
      <Tooltip title={result.warnings.map(i => i.message).join('\n')}>
        <span>
          <StatusWarning>
            {result.warnings.length} warning{result.warnings.length > 1 ? 's' : ''}
          </StatusWarning>
        </span>
      </Tooltip>
    );
  }
  return <StatusOK>Valid</StatusOK>;
}

export function PipelineListPage() {
  const gitopsApi = useApi(gitopsApiRef);
  const createLink = useRouteRef(createPipelineRouteRef);
  const pipelineLink = useRouteRef(pipelineRouteRef);

  const data = useAsync(async () => {
    const [resources, changes, sync] = await Promise.all([
      gitopsApi.listResources({ kind: 'Pipeline' }),
      gitopsApi.listChanges({ state: 'open', kind: 'Pipeline' }),
      gitopsApi.getSyncStatus(),
    ]);
    return { resources, changes, sync };
  }, [gitopsApi]);

  const createButton = createLink ? (
    <LinkButton variant="contained" color="primary" startIcon={<AddIcon />} to={createLink()}>
      Create pipeline
    </LinkButton>
  ) : null;

  let body: JSX.Element;
  if (data.loading) {
    body = <Progress />;
  } else if (data.error) {
    body = <ResponseErrorPanel error={data.error} title="The pipelines could not be listed" />;
  } else {
    const { resources, changes, sync } = data.value!;
    const byRef = changesByPipeline(changes);
    const rows: Row[] = resources.map(entry => ({
      namespace: entry.namespace,
      name: entry.name,
      entry,
      changes: byRef.get(refKey(entry)) ?? [],
    }));
    const listed = new Set(rows.map(refKey));
    for (const change of changes) {
      for (const r of change.resources) {
        if (r.kind === 'Pipeline' && r.operation === 'create' && !listed.has(refKey(r))) {
          listed.add(refKey(r));
          rows.push({ namespace: r.namespace, name: r.name, changes: byRef.get(refKey(r)) ?? [] });
        }
      }
    }
    rows.sort((a, b) => refKey(a).localeCompare(refKey(b)));
    body =
      rows.length === 0 ? (
        <EmptyState
          missing="data"
          title="No pipelines yet"
          description="A pipeline says where a team's logs, metrics and traces go: Vector sources, transforms and sinks. Build one visually or in YAML; it is delivered to Vector once its change request is merged."
          action={createButton ?? undefined}
        />
      ) : (
        <Table size="small" aria-label="Pipelines">
          <TableHead>
            <TableRow>
              <TableCell>Pipeline</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Sources</TableCell>
              <TableCell>Transforms</TableCell>
              <TableCell>Sinks</TableCell>
              <TableCell>Validation</TableCell>
              <TableCell>Sync</TableCell>
              <TableCell>Open changes</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => {
              const title = refKey(row);
              const counts = componentCounts(row.entry?.object);
              return (
                <TableRow key={title} aria-label={`Pipeline ${title}`}>
                  <TableCell>
                    {pipelineLink && row.entry ? (
                      <Link to={pipelineLink({ namespace: row.namespace, name: row.name })}>{title}</Link>
                    ) : (
                      title
                    )}
                  </TableCell>
                  <TableCell>{String((row.entry?.object as any)?.spec?.owner ?? '—')}</TableCell>
                  <TableCell>{row.entry ? counts.sources : '—'}</TableCell>
                  <TableCell>{row.entry ? counts.transforms : '—'}</TableCell>
                  <TableCell>{row.entry ? counts.sinks : '—'}</TableCell>
                  <TableCell>{row.entry ? <Validation entry={row.entry} /> : <StatusPending>pending create</StatusPending>}</TableCell>
                  <TableCell>
                    {row.entry ? (
                      <SyncState
                        brief
                        states={sync === undefined ? undefined : syncStatesOf(sync, { ...row, repository: row.entry.repository })}
                      />
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell>
                    <ChangeList changes={row.changes} pipeline={row} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      );
  }

  return (
    <Page themeId="tool">
      <Header title="Pipelines" subtitle="Herald: telemetry pipelines on Vector, each one a reviewed change to Git" />
      <Content>
        <ContentHeader title="Pipelines">{createButton}</ContentHeader>
        {body}
      </Content>
    </Page>
  );
}
