/*
 * Overview card of a portal entity: how many open change requests touch its file, and which.
 */
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { ChangeTable } from '../components/ChangeList';
import { resourceRefOf } from './annotations';

export function PendingChangesCard() {
  const { entity } = useEntity();
  const gitopsApi = useApi(gitopsApiRef);
  const ref = resourceRefOf(entity);
  const { value, loading, error } = useAsync(
    () => gitopsApi.getResource(ref),
    [gitopsApi, ref.kind, ref.namespace, ref.name],
  );

  let body;
  if (loading) body = <Progress />;
  else if (error) {
    body = (
      <ResponseErrorPanel
        title={`Could not load the pending changes: ${error.message}`}
        error={error}
      />
    );
  } else if (!value?.changes.length) {
    body = (
      <Typography variant="body2" style={{ padding: 16 }}>
        No open change requests touch this file.
      </Typography>
    );
  } else {
    // a narrow overview column: scroll the table rather than spill out of the card
    body = (
      <div style={{ overflowX: 'auto' }}>
        <ChangeTable changes={value.changes} dense hideState />
      </div>
    );
  }
  const count = value?.changes.length;
  return (
    <InfoCard
      title="Pending changes"
      subheader={
        count === undefined
          ? undefined
          : `${count} open change request${count === 1 ? '' : 's'}`
      }
      noPadding
    >
      {body}
    </InfoCard>
  );
}
