/*
 * The "Chambers" card on a Workspace entity's page: live status, connect links and the change
 * requests touching the workspace.
 */
import {
  InfoCard,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { butlerRuntimeApiRef } from '../api';
import { ConnectPanel } from '../components/ConnectPanel';
import {
  LivePhase,
  PendingChanges,
  RuntimeUnavailable,
  SyncStatus,
} from '../components/Status';
import { useRuntimeAvailability } from '../hooks';
import { parsedOrThrow, syncOf } from '../lib/workspaces';
import { workspaceRouteRef } from '../routes';

export function ChambersCard() {
  const { entity } = useEntity();
  const ref = {
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const gitopsApi = useApi(gitopsApiRef);
  const runtimeApi = useApi(butlerRuntimeApiRef);
  const runtime = useRuntimeAvailability();
  const available = runtime.value?.available === true;
  const workspaceLink = useRouteRef(workspaceRouteRef);

  const data = useAsync(async () => {
    const [detail, sync] = await Promise.all([
      gitopsApi.getResource({ kind: 'Workspace', ...ref }).then(parsedOrThrow),
      gitopsApi.getSyncStatus(),
    ]);
    return { detail, sync };
  }, [gitopsApi, ref.namespace, ref.name]);
  const live = useAsync(async () => {
    if (!available) return undefined;
    return runtimeApi.getWorkspace(ref);
  }, [available, runtimeApi, ref.namespace, ref.name]);

  const deepLink = workspaceLink
    ? { title: 'Open workspace', link: workspaceLink(ref) }
    : undefined;

  let body: JSX.Element;
  if (data.loading) {
    body = <Progress />;
  } else if (data.error) {
    body = (
      <Typography color="error">
        Could not load the workspace: {data.error.message}
      </Typography>
    );
  } else {
    const { detail, sync } = data.value!;
    body = (
      <>
        {runtime.value?.available === false && (
          <RuntimeUnavailable reason={runtime.value.reason} />
        )}
        <StructuredMetadataTable
          metadata={{
            sync: (
              <SyncStatus
                states={sync === undefined ? undefined : syncOf(sync, ref)}
              />
            ),
            'live phase': <LivePhase available={available} live={live.value} />,
            'pending changes': (
              <PendingChanges
                changes={detail.changes}
                workspace={ref}
                empty="none"
              />
            ),
          }}
        />
        <ConnectPanel
          namespace={ref.namespace}
          name={ref.name}
          spec={detail.object.spec}
          sshEndpoint={live.value?.sshEndpoint}
        />
      </>
    );
  }
  return (
    <InfoCard title="Chambers" deepLink={deepLink}>
      {body}
    </InfoCard>
  );
}
