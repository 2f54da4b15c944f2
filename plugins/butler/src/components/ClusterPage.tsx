/*
 * One cluster: overview, conditions with reasons, workers and nodes, addons with phase and
 * installed version, the file in Git and its open changes; scale, upgrade and delete, each a
 * change request on the file (an edit is a one-line diff), checked against the schema and the
 * team's limits before submit; a terminal into one of its pods (ClusterTerminal) for those the
 * policy allows. Works from the Git file alone when no cluster is connected.
 */
import {
  Content,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  butlerClusterKubeconfigPermission,
  type TenantClusterDetail,
} from '@butler-portal/plugin-butler-common';
import type { ResourceDetail } from '@butler-portal/plugin-gitops-common';
import { ChangeLink, gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { butlerClustersApiRef } from '../api';
import { scaleCluster, upgradeCluster } from '../lib/changes';
import { clusterLimitIssues } from '../lib/limits';
import { AvailabilityNotice } from './Availability';
import { ChangeDialog } from './ChangeDialog';
import { ClusterTerminal } from './ClusterTerminal';
import { useClustersData } from './useClustersData';

type Action = 'scale' | 'upgrade' | 'delete' | undefined;

const TITLES = {
  scale: (name: string) => `Scale ${name}`,
  upgrade: (name: string) => `Upgrade ${name}`,
  delete: (name: string) => `Delete ${name}`,
};
const CHANGE_TITLES = {
  scale: (ref: string, value: string) => `Scale ${ref} to ${value} workers`,
  upgrade: (ref: string, value: string) =>
    `Upgrade ${ref} to Kubernetes ${value}`,
  delete: (ref: string) => `Delete cluster ${ref}`,
};

export function ClusterPage() {
  const { namespace = '', name = '' } = useParams();
  const api = useApi(butlerClustersApiRef);
  const gitops = useApi(gitopsApiRef);
  const data = useClustersData();
  const [live, setLive] = useState<TenantClusterDetail>();
  const [liveError, setLiveError] = useState<string>();
  const [file, setFile] = useState<ResourceDetail>();
  const [fileError, setFileError] = useState<string>();
  const [action, setAction] = useState<Action>();
  const [replicas, setReplicas] = useState('');
  const [version, setVersion] = useState('');
  // asked with the cluster: the policy decides by the user's role in the cluster's team
  const kubeconfig = usePermission({
    permission: butlerClusterKubeconfigPermission,
    resourceRef: `${namespace}/${name}`,
  });
  const [downloadError, setDownloadError] = useState<string>();

  const downloadKubeconfig = async () => {
    setDownloadError(undefined);
    try {
      const { filename, content } = await api.downloadKubeconfig({
        namespace,
        name,
      });
      // the request carries the user's token, so the file is fetched here and handed over
      const url = URL.createObjectURL(content);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setDownloadError((e as Error).message);
    }
  };

  const load = useCallback(async () => {
    if (data.availability?.available) {
      api.getCluster({ namespace, name }).then(
        c => {
          setLive(c);
          setLiveError(undefined);
        },
        e => setLiveError(e.message),
      );
    }
    gitops.getResource({ kind: 'TenantCluster', namespace, name }).then(
      f => {
        setFile(f);
        setFileError(undefined);
      },
      e => setFileError(e.message),
    );
  }, [api, gitops, namespace, name, data.availability]);

  // re-read whenever the dashboard data (live events) changes
  useEffect(() => {
    void load();
  }, [load, data.clusters]);

  const spec = (file?.object?.spec ?? live?.spec ?? {}) as Record<string, any>;
  const currentReplicas: number | undefined = spec.workers?.replicas;
  const currentVersion: string | undefined = spec.kubernetesVersion;
  const teamName: string | undefined = live?.team ?? spec.teamRef?.name;
  const team = data.teams.find(t => t.name === teamName);
  const others = data.clusters
    .filter(c => c.team === teamName)
    .map(c => ({
      namespace: c.namespace,
      name: c.name,
      replicas: c.workers.desired ?? 0,
    }));

  const wantedReplicas = Number(replicas);
  const change = (() => {
    if (!file) return undefined;
    if (action === 'scale' && replicas !== '') {
      return Number.isInteger(wantedReplicas)
        ? scaleCluster(file.yaml, file.path, wantedReplicas)
        : { path: file.path, issues: ['workers: a whole number'] };
    }
    if (action === 'upgrade' && version) {
      return upgradeCluster(file.yaml, file.path, version.trim());
    }
    return undefined;
  })();
  const limitIssues =
    team && change?.yaml && (action === 'scale' || action === 'upgrade')
      ? clusterLimitIssues(
          {
            namespace,
            name,
            replicas:
              action === 'scale' ? wantedReplicas : currentReplicas ?? 0,
            kubernetesVersion:
              action === 'upgrade' ? version.trim() : currentVersion ?? '',
          },
          team,
          others,
          { creating: false },
        )
      : [];

  const open = (a: Action) => {
    setReplicas(String(currentReplicas ?? ''));
    setVersion(currentVersion ?? '');
    setAction(a);
  };

  if (data.loading) return <Progress />;
  const phase = live?.phase ?? (file ? 'Not applied' : 'Unknown');

  return (
    <Page themeId="tool">
      <Header
        title={`${namespace}/${name}`}
        subtitle={`Tenant cluster · ${phase}`}
      />
      <Content>
        <AvailabilityNotice availability={data.availability} />
        <Grid container spacing={2}>
          <Grid item xs={12}>
            <Button
              variant="contained"
              color="primary"
              disabled={!file}
              onClick={() => open('scale')}
            >
              Scale workers
            </Button>{' '}
            <Button
              variant="contained"
              disabled={!file}
              onClick={() => open('upgrade')}
            >
              Upgrade Kubernetes
            </Button>{' '}
            <Button disabled={!file} onClick={() => open('delete')}>
              Delete
            </Button>{' '}
            {kubeconfig.allowed && live && (
              <>
                <Button variant="outlined" onClick={downloadKubeconfig}>
                  Download kubeconfig
                </Button>{' '}
              </>
            )}
            <Link to="..">All clusters</Link>
            {downloadError && (
              <Typography variant="body2" color="error">
                Kubeconfig not downloaded: {downloadError}
              </Typography>
            )}
            {!file && fileError && (
              <Typography variant="body2">
                No file in Git for this cluster ({fileError}): changes go
                through its file, so this cluster cannot be changed from here.
              </Typography>
            )}
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="Overview">
              <StructuredMetadataTable
                metadata={{
                  Team: teamName ?? '—',
                  Phase: phase,
                  'Kubernetes (asked)': currentVersion ?? '—',
                  'Kubernetes (running)':
                    live?.observedKubernetesVersion ?? '—',
                  Endpoint: live?.endpoint ?? '—',
                  Workers: `${live?.workers.ready ?? '?'} ready of ${
                    currentReplicas ?? live?.workers.desired ?? '?'
                  }`,
                  ...(live?.message && { Why: live.message }),
                }}
              />
              {liveError && <Typography color="error">{liveError}</Typography>}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="Conditions">
              {live?.conditions.length ? (
                live.conditions.map(c => (
                  <Typography key={c.type} variant="body2">
                    <b>{c.type}</b>={c.status}
                    {c.reason ? ` (${c.reason})` : ''}
                    {c.message ? `: ${c.message}` : ''}
                  </Typography>
                ))
              ) : (
                <Typography variant="body2">No conditions reported.</Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="Workers and nodes">
              {live?.nodes.length ? (
                live.nodes.map(n => (
                  <Typography key={n} variant="body2">
                    {n}
                  </Typography>
                ))
              ) : (
                <Typography variant="body2">No nodes reported.</Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="Addons">
              {live?.observedAddons.map(a => (
                <Typography key={`o-${a.name}`} variant="body2">
                  {a.name} {a.version ?? ''} — {a.status ?? 'unknown'} (managed
                  by {a.managedBy ?? '?'})
                </Typography>
              ))}
              {live?.tenantAddons.map(a => (
                <Typography key={`t-${a.name}`} variant="body2">
                  {a.name}: {a.phase ?? 'unknown'}
                  {a.installedVersion
                    ? `, installed ${a.installedVersion}`
                    : ''}
                  {a.version && a.version !== a.installedVersion
                    ? ` (asked ${a.version})`
                    : ''}
                </Typography>
              ))}
              {!live?.observedAddons.length && !live?.tenantAddons.length && (
                <Typography variant="body2">No addons reported.</Typography>
              )}
              <Link to="../addons">Install an addon</Link>
            </InfoCard>
          </Grid>
          {data.availability?.available && (
            <Grid item xs={12}>
              <ClusterTerminal namespace={namespace} name={name} />
            </Grid>
          )}
          <Grid item xs={12}>
            <InfoCard title="The file in Git">
              {file ? (
                <>
                  <Typography variant="body2">
                    {file.repository}: {file.path} (at{' '}
                    {file.revision.slice(0, 7)})
                  </Typography>
                  <pre style={{ overflowX: 'auto' }}>{file.yaml}</pre>
                  <Typography variant="body2">
                    Open changes:{' '}
                    {file.changes.length
                      ? file.changes.map(c => (
                          <span key={c.id}>
                            <ChangeLink change={c} /> {c.title}{' '}
                          </span>
                        ))
                      : 'none'}
                  </Typography>
                </>
              ) : (
                <Typography variant="body2">
                  {fileError ?? 'Reading…'}
                </Typography>
              )}
            </InfoCard>
          </Grid>
        </Grid>
        {action && file && (
          <ChangeDialog
            open
            onClose={() => setAction(undefined)}
            title={TITLES[action](name)}
            operation={action === 'delete' ? 'delete' : 'update'}
            kind="TenantCluster"
            namespace={namespace}
            name={name}
            change={
              action === 'delete' ? { path: file.path, issues: [] } : change
            }
            limitIssues={limitIssues}
            baseRevision={file.revision}
            changeTitle={CHANGE_TITLES[action](
              `${namespace}/${name}`,
              action === 'scale' ? replicas : version,
            )}
          >
            {action === 'scale' && (
              <TextField
                id="butler-workers"
                label="Workers"
                type="number"
                value={replicas}
                onChange={e => setReplicas(e.target.value)}
                helperText={
                  team?.limits.maxNodesPerCluster
                    ? `at most ${team.limits.maxNodesPerCluster} per cluster`
                    : undefined
                }
                fullWidth
              />
            )}
            {action === 'upgrade' && (
              <TextField
                id="butler-version"
                label="Kubernetes version"
                value={version}
                onChange={e => setVersion(e.target.value)}
                helperText={
                  team?.limits.allowedKubernetesVersions?.length
                    ? `allowed: ${team.limits.allowedKubernetesVersions.join(
                        ', ',
                      )}`
                    : 'vMAJOR.MINOR.PATCH'
                }
                fullWidth
              />
            )}
            {action === 'delete' && (
              <Typography>
                Opens a change request deleting {file.path}. Once merged, the
                reconciler deletes the cluster and everything running in it.
              </Typography>
            )}
          </ChangeDialog>
        )}
      </Content>
    </Page>
  );
}
