/*
 * Teams: members and roles, identity-provider groups, clusters, and usage against the team's
 * limits.
 */
import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
} from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { AvailabilityNotice } from './Availability';
import { useClustersData } from './useClustersData';

function usage(used: number, max?: number) {
  return max ? `${used} of ${max}` : `${used} (no limit)`;
}

export function TeamsPage() {
  const data = useClustersData();
  return (
    <Page themeId="tool">
      <Header
        title="Teams"
        subtitle="Your Butler teams: members, clusters and limits"
      />
      <Content>
        <AvailabilityNotice availability={data.availability} />
        {data.loading && <Progress />}
        {!data.loading && data.teams.length === 0 && (
          <EmptyState
            missing="data"
            title="No teams"
            description={
              data.availability?.available
                ? 'You are not a member of any Butler Team (Team spec.access lists members by email). Ask a platform admin to add you.'
                : 'Teams come from the management cluster; connect one to see them.'
            }
          />
        )}
        <Grid container spacing={2}>
          {data.teams.map(t => (
            <Grid item xs={12} md={6} key={t.name}>
              <InfoCard
                title={t.displayName ?? t.name}
                subheader={t.description}
              >
                <Typography variant="body2">
                  Namespace: {t.namespace ?? '—'}
                  {t.myRole ? ` · your role: ${t.myRole}` : ''}
                </Typography>
                <Typography variant="subtitle2">Members</Typography>
                {t.members.length === 0 && (
                  <Typography variant="body2">none</Typography>
                )}
                {t.members.map(m => (
                  <Typography key={m.name} variant="body2">
                    {m.displayName ?? m.name} ({m.name}) — {m.role}
                  </Typography>
                ))}
                {t.groups.map(g => (
                  <Typography key={`g-${g.name}`} variant="body2">
                    group {g.name} — {g.role}
                  </Typography>
                ))}
                <Typography variant="subtitle2">Usage</Typography>
                <Typography variant="body2">
                  Clusters: {usage(t.usage.clusters, t.limits.maxClusters)} ·
                  Workers: {usage(t.usage.workerNodes, t.limits.maxTotalNodes)}
                  {t.limits.maxNodesPerCluster
                    ? ` · at most ${t.limits.maxNodesPerCluster} per cluster`
                    : ''}
                </Typography>
                {t.limits.allowedKubernetesVersions?.length ? (
                  <Typography variant="body2">
                    Kubernetes: {t.limits.allowedKubernetesVersions.join(', ')}
                  </Typography>
                ) : null}
                <Typography variant="body2">
                  Clusters: {t.clusters.join(', ') || 'none'}
                </Typography>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
