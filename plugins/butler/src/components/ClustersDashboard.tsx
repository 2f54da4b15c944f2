/*
 * The Clusters dashboard: counts by phase, then every cluster of the caller's teams (live) and
 * every TenantCluster file in Git, side by side: team, phase, version, workers ready/desired,
 * addons and their health, whether the file is in Git, and its open change requests. Filters by
 * team and phase; updates live from the backend's event stream.
 */
import {
  Content,
  EmptyState,
  Header,
  Link,
  LinkButton,
  Page,
  Progress,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { ChangeLink } from '@butler-portal/plugin-gitops-react';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { clusterRows, phaseCounts, type ClusterRow } from '../lib/rows';
import { AvailabilityNotice } from './Availability';
import { useClustersData } from './useClustersData';

function AddonsCell({ row }: { row: ClusterRow }) {
  if (!row.live) return <>—</>;
  const addons = row.live.tenantAddons;
  if (addons.length === 0) return <>none</>;
  return (
    <>
      {addons.map(a => (
        <Chip
          key={a.name}
          size="small"
          label={`${a.name} ${a.phase ?? 'unknown'}`}
          color={a.phase === 'Installed' ? 'primary' : 'default'}
        />
      ))}
    </>
  );
}

export function ClustersDashboard() {
  const data = useClustersData();
  const [team, setTeam] = useState('');
  const [phase, setPhase] = useState('');
  const rows = useMemo(
    () => clusterRows(data.clusters, data.files, data.changes),
    [data.clusters, data.files, data.changes],
  );
  const shown = rows.filter(
    r => (!team || r.team === team) && (!phase || r.phase === phase),
  );
  const counts = phaseCounts(rows);
  const teams = [
    ...new Set(rows.map(r => r.team).filter(Boolean)),
  ].sort() as string[];

  const columns: TableColumn<ClusterRow>[] = [
    {
      title: 'Cluster',
      field: 'name',
      render: r => (
        <Link
          to={`${r.namespace}/${r.name}`}
        >{`${r.namespace}/${r.name}`}</Link>
      ),
    },
    { title: 'Team', field: 'team', render: r => r.team ?? '—' },
    { title: 'Phase', field: 'phase' },
    { title: 'Kubernetes', render: r => r.version ?? '—' },
    {
      title: 'Workers',
      render: r => `${r.workersReady ?? '?'}/${r.workersDesired ?? '?'}`,
    },
    { title: 'Addons', render: r => <AddonsCell row={r} /> },
    {
      title: 'File in Git',
      render: r => (r.file ? r.file.path : 'not in Git'),
    },
    {
      title: 'Open changes',
      render: r =>
        r.changes.length
          ? r.changes.map(c => (
              <span key={c.id}>
                <ChangeLink change={c} />{' '}
              </span>
            ))
          : 'none',
    },
  ];

  return (
    <Page themeId="tool">
      <Header
        title="Clusters"
        subtitle="Tenant clusters of your teams: live state next to their files in Git"
      />
      <Content>
        <AvailabilityNotice availability={data.availability} />
        {data.error && (
          <Typography color="error" role="alert">
            {data.error}
          </Typography>
        )}
        {data.loading ? (
          <Progress />
        ) : (
          <Grid container spacing={2}>
            <Grid item xs={12}>
              <Typography variant="h6" component="h2">
                {Object.entries(counts)
                  .map(([p, n]) => `${n} ${p}`)
                  .join(' · ') || 'No clusters'}
              </Typography>
            </Grid>
            <Grid item>
              <FormControl style={{ minWidth: 160 }}>
                <InputLabel id="team-filter">Team</InputLabel>
                <Select
                  labelId="team-filter"
                  value={team}
                  onChange={e => setTeam(e.target.value as string)}
                >
                  <MenuItem value="">All teams</MenuItem>
                  {teams.map(t => (
                    <MenuItem key={t} value={t}>
                      {t}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
            </Grid>
            <Grid item>
              <FormControl style={{ minWidth: 160 }}>
                <InputLabel id="phase-filter">Phase</InputLabel>
                <Select
                  labelId="phase-filter"
                  value={phase}
                  onChange={e => setPhase(e.target.value as string)}
                >
                  <MenuItem value="">All phases</MenuItem>
                  {Object.keys(counts).map(p => (
                    <MenuItem key={p} value={p}>
                      {p}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
            </Grid>
            <Grid item>
              <LinkButton variant="contained" color="primary" to="create">
                Create a cluster
              </LinkButton>{' '}
              <LinkButton to="addons">Addons</LinkButton>{' '}
              <LinkButton to="teams">Teams</LinkButton>
            </Grid>
            <Grid item xs={12}>
              {rows.length === 0 ? (
                <EmptyState
                  missing="data"
                  title="No clusters yet"
                  description="None of your teams has a tenant cluster, and the repository holds no TenantCluster file. Create one: it opens a change request adding tenant-clusters/<namespace>/<name>.yaml."
                  action={
                    <LinkButton variant="contained" color="primary" to="create">
                      Create a cluster
                    </LinkButton>
                  }
                />
              ) : (
                <Table
                  title={`${shown.length} clusters`}
                  options={{
                    paging: shown.length > 20,
                    pageSize: 20,
                    search: true,
                  }}
                  columns={columns}
                  data={shown}
                />
              )}
            </Grid>
          </Grid>
        )}
      </Content>
    </Page>
  );
}
