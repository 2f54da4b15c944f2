/*
 * One pipeline: graph, rendered Vector configuration, sync state in each target, open change
 * requests, and the history of merged changes to it.
 */
import {
  Content,
  ContentHeader,
  Header,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  ChangeLink,
  ChangeStateChip,
  RelativeTime,
  gitopsApiRef,
  type ChangeSummary,
} from '@butler-portal/plugin-gitops-react';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import EditIcon from '@material-ui/icons/Edit';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { operationOn, syncStatesOf } from '../lib/pipelines';
import { editPipelineRouteRef } from '../routes';
import { PipelineView } from './PipelineView';
import { SyncState } from './Status';

function ChangesTable(props: { changes: ChangeSummary[]; pipeline: { namespace: string; name: string }; label: string; merged?: boolean }) {
  if (props.changes.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary" style={{ padding: 16 }}>
        None.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>Change</TableCell>
          <TableCell>Title</TableCell>
          <TableCell>Operation</TableCell>
          <TableCell>Author</TableCell>
          <TableCell>State</TableCell>
          <TableCell>{props.merged ? 'Merged' : 'Opened'}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.changes.map(c => (
          <TableRow key={c.id}>
            <TableCell>
              <ChangeLink change={c} />
            </TableCell>
            <TableCell>{c.title}</TableCell>
            <TableCell>{operationOn(c, props.pipeline)}</TableCell>
            <TableCell>{c.author.name}</TableCell>
            <TableCell>
              <ChangeStateChip state={c.state} />
            </TableCell>
            <TableCell>
              <RelativeTime iso={props.merged ? c.updatedAt : c.createdAt} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function PipelineDetailPage() {
  const { namespace = '', name = '' } = useParams();
  const gitopsApi = useApi(gitopsApiRef);
  const editLink = useRouteRef(editPipelineRouteRef);
  const ref = { kind: 'Pipeline', namespace, name };

  const data = useAsyncRetry(async () => {
    const [resource, merged, sync] = await Promise.all([
      gitopsApi.getResource(ref),
      gitopsApi.listChanges({ state: 'merged', kind: 'Pipeline' }),
      gitopsApi.getSyncStatus(),
    ]);
    const history = merged.filter(c => operationOn(c, ref));
    return { resource, history, sync };
  }, [gitopsApi, namespace, name]);

  // the sync state follows the reconciler (a merge is delivered within seconds)
  useInterval(() => !data.loading && data.retry(), 5000);

  let body: JSX.Element;
  if (data.loading && !data.value) {
    body = <Progress />;
  } else if (data.error && !data.value) {
    body = <ResponseErrorPanel error={data.error} title={`Pipeline ${namespace}/${name} could not be read`} />;
  } else {
    const { resource, history, sync } = data.value!;
    const states = sync === undefined ? undefined : syncStatesOf(sync, { namespace, name, repository: resource.repository });
    body = (
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <Typography variant="body1">{String((resource.object as any)?.spec?.description ?? '')}</Typography>
          <Typography variant="body2" color="textSecondary">
            Owner {String((resource.object as any)?.spec?.owner ?? '—')} · {resource.repository}:{resource.path} · Sync:{' '}
            <span data-testid="pipeline-sync">
              <SyncState states={states} />
            </span>
          </Typography>
        </Grid>
        <Grid item xs={12}>
          <PipelineView yaml={resource.yaml} file={resource.path} />
        </Grid>
        <Grid item xs={12} md={6}>
          <Paper variant="outlined">
            <Typography variant="h6" style={{ padding: '8px 16px' }}>
              Open changes
            </Typography>
            <ChangesTable changes={resource.changes} pipeline={ref} label="Open changes" />
          </Paper>
        </Grid>
        <Grid item xs={12} md={6}>
          <Paper variant="outlined">
            <Typography variant="h6" style={{ padding: '8px 16px' }}>
              History
            </Typography>
            <ChangesTable changes={history} pipeline={ref} label="Merged changes" merged />
          </Paper>
        </Grid>
      </Grid>
    );
  }

  return (
    <Page themeId="tool">
      <Header title={`${namespace}/${name}`} type="Pipeline" />
      <Content>
        <ContentHeader title="Pipeline">
          {editLink && (
            <LinkButton variant="contained" color="primary" startIcon={<EditIcon />} to={editLink({ namespace, name })}>
              Edit
            </LinkButton>
          )}
        </ContentHeader>
        {body}
      </Content>
    </Page>
  );
}
