/*
 * Create a cluster: a change request adding one TenantCluster file, checked live against the
 * schema and, when the cluster is reachable, against the chosen team's limits (a breach is shown
 * before submit, naming the limit). Without a management cluster the form still opens the change
 * against the repository; the team is then typed rather than chosen.
 */
import { Content, Header, Page } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { newClusterFile } from '../lib/changes';
import { clusterLimitIssues } from '../lib/limits';
import { AvailabilityNotice } from './Availability';
import { ChangeDialog } from './ChangeDialog';
import { useClustersData } from './useClustersData';

export function CreateClusterPage() {
  const data = useClustersData();
  const [team, setTeam] = useState('');
  const [namespace, setNamespace] = useState('');
  const [name, setName] = useState('');
  const [version, setVersion] = useState('v1.31.4');
  const [replicas, setReplicas] = useState('3');
  const [confirming, setConfirming] = useState(false);

  const teamInfo = data.teams.find(t => t.name === team);
  const ns = namespace || teamInfo?.namespace || '';
  const count = Number(replicas);
  const change =
    ns && name
      ? newClusterFile({
          namespace: ns,
          name,
          team: team || undefined,
          kubernetesVersion: version.trim(),
          replicas: Number.isInteger(count) ? count : NaN,
        })
      : undefined;
  const limitIssues =
    teamInfo && change?.yaml
      ? clusterLimitIssues(
          {
            namespace: ns,
            name,
            replicas: count,
            kubernetesVersion: version.trim(),
          },
          teamInfo,
          data.clusters
            .filter(c => c.team === team)
            .map(c => ({
              namespace: c.namespace,
              name: c.name,
              replicas: c.workers.desired ?? 0,
            })),
          { creating: true },
        )
      : [];
  const issues = [...(change?.issues ?? []), ...limitIssues];

  return (
    <Page themeId="tool">
      <Header
        title="Create a cluster"
        subtitle="A change request adding tenant-clusters/<namespace>/<name>.yaml"
      />
      <Content>
        <AvailabilityNotice availability={data.availability} />
        <Grid
          container
          spacing={2}
          direction="column"
          style={{ maxWidth: 560 }}
        >
          <Grid item>
            {data.teams.length ? (
              <TextField
                select
                id="create-team"
                label="Team"
                value={team}
                onChange={e => setTeam(e.target.value)}
                fullWidth
              >
                {data.teams.map(t => (
                  <MenuItem key={t.name} value={t.name}>
                    {t.displayName ?? t.name}
                  </MenuItem>
                ))}
              </TextField>
            ) : (
              <TextField
                id="create-team"
                label="Team"
                value={team}
                onChange={e => setTeam(e.target.value)}
                fullWidth
                helperText="The Team (spec.teamRef) whose members see the cluster"
              />
            )}
          </Grid>
          <Grid item>
            <TextField
              id="create-namespace"
              label="Namespace"
              value={ns}
              onChange={e => setNamespace(e.target.value)}
              helperText="The team's namespace on the management cluster"
              fullWidth
            />
          </Grid>
          <Grid item>
            <TextField
              id="create-name"
              label="Name"
              value={name}
              onChange={e => setName(e.target.value)}
              fullWidth
            />
          </Grid>
          <Grid item>
            <TextField
              id="create-version"
              label="Kubernetes version"
              value={version}
              onChange={e => setVersion(e.target.value)}
              helperText={
                teamInfo?.limits.allowedKubernetesVersions?.length
                  ? `allowed: ${teamInfo.limits.allowedKubernetesVersions.join(
                      ', ',
                    )}`
                  : 'vMAJOR.MINOR.PATCH'
              }
              fullWidth
            />
          </Grid>
          <Grid item>
            <TextField
              id="create-workers"
              label="Workers"
              type="number"
              value={replicas}
              onChange={e => setReplicas(e.target.value)}
              fullWidth
            />
          </Grid>
          <Grid item>
            {issues.map(i => (
              <div key={i} role="alert" style={{ color: '#c62828' }}>
                {i}
              </div>
            ))}
            <Button
              variant="contained"
              color="primary"
              disabled={!change?.yaml || issues.length > 0}
              onClick={() => setConfirming(true)}
            >
              Review the file
            </Button>
          </Grid>
        </Grid>
        {confirming && change && (
          <ChangeDialog
            open
            onClose={() => setConfirming(false)}
            title={`Create ${ns}/${name}`}
            operation="create"
            kind="TenantCluster"
            namespace={ns}
            name={name}
            change={change}
            limitIssues={limitIssues}
            changeTitle={`Create cluster ${ns}/${name}`}
          >
            <pre>{change.yaml}</pre>
          </ChangeDialog>
        )}
      </Content>
    </Page>
  );
}
