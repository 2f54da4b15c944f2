/*
 * The GitOps tab of a portal entity: the spec, the file as it is in Git, the open change
 * requests touching it, and what the reconciler made of it.
 */
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { ChangeTable } from '../components/ChangeList';
import {
  entitySourceOf,
  gitopsKindOf,
  resourceRefOf,
  shortSha,
} from './annotations';
import { ResourceYaml } from './ResourceYaml';
import { SpecOverview } from './SpecOverview';
import { SyncStatusPanel } from './SyncStatusPanel';

export function GitopsEntityContent() {
  const { entity } = useEntity();
  const gitopsApi = useApi(gitopsApiRef);
  const ref = resourceRefOf(entity);
  const source = entitySourceOf(entity);
  const { value, loading, error } = useAsync(
    () => gitopsApi.getResource(ref),
    [gitopsApi, ref.kind, ref.namespace, ref.name],
  );

  let file;
  let changes;
  if (loading) {
    file = <Progress />;
    changes = <Progress />;
  } else if (error) {
    file = (
      <ResponseErrorPanel
        title={`Could not read the file: ${error.message}`}
        error={error}
      />
    );
    changes = (
      <Typography variant="body2" color="textSecondary">
        Unknown while the file cannot be read.
      </Typography>
    );
  } else if (value) {
    file = (
      <>
        <Typography variant="body2" color="textSecondary" paragraph>
          {value.repository}: {value.path} at {shortSha(value.revision)}
          {source.viewUrl && (
            <>
              {' · '}
              <Link to={source.viewUrl}>View in repository</Link>
            </>
          )}
        </Typography>
        <ResourceYaml text={value.yaml} />
      </>
    );
    changes = (
      <ChangeTable
        changes={value.changes}
        dense
        hideState
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            No open change requests touch this file.
          </Typography>
        }
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard title="Spec">
          <SpecOverview entity={entity} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Sync status">
          <SyncStatusPanel
            resourceRef={ref}
            repository={source.repository}
            applied={gitopsKindOf(entity)?.applied ?? false}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Pending changes" noPadding>
          {changes}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="YAML in Git">{file}</InfoCard>
      </Grid>
    </Grid>
  );
}
