import { renderInTestApp } from '@backstage/frontend-test-utils';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { screen } from '@testing-library/react';
import {
  exampleFile,
  liveCluster,
  mockClustersApi,
} from '../__testUtils__/fixtures';
import { butlerClustersApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { ClustersDashboard } from './ClustersDashboard';

function renderDashboard(
  clusters = mockClustersApi(),
  gitops = mockGitopsApi(),
) {
  renderInTestApp(<ClustersDashboard />, {
    apis: [
      [butlerClustersApiRef, clusters],
      [gitopsApiRef, gitops],
    ],
    mountedRoutes: { '/butler': rootRouteRef },
  });
  return { clusters, gitops };
}

describe('ClustersDashboard', () => {
  it('shows the live clusters with phase, version, workers and addons, counts by phase, and subscribes to live changes', async () => {
    const clusters = mockClustersApi();
    clusters.listClusters.mockResolvedValue([
      liveCluster(),
      liveCluster({
        name: 'team-a-prod',
        phase: 'Provisioning',
        workers: { desired: 5, ready: 2 },
        tenantAddons: [],
      }),
    ]);
    const gitops = mockGitopsApi();
    const file = exampleFile();
    gitops.listResources.mockResolvedValue([file]);
    renderDashboard(clusters, gitops);
    expect(await screen.findByText('team-a/team-a-prod')).toBeInTheDocument();
    expect(screen.getByText('1 Ready · 1 Provisioning')).toBeInTheDocument();
    expect(screen.getByText('2/5')).toBeInTheDocument();
    expect(screen.getByText('cert-manager Installed')).toBeInTheDocument();
    expect(
      screen.getByText('tenant-clusters/team-a/team-a-dev.yaml'),
    ).toBeInTheDocument();
    expect(screen.getByText('not in Git')).toBeInTheDocument();
    expect(clusters.subscribe).toHaveBeenCalledTimes(1);
  });

  it('without a management cluster says so and how to configure one, and still lists the files in Git', async () => {
    const gitops = mockGitopsApi();
    gitops.listResources.mockResolvedValue([exampleFile()]);
    renderDashboard(mockClustersApi({ configured: false }), gitops);
    expect(
      await screen.findByText(/No management cluster is connected/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Set butler.managementCluster in app-config/),
    ).toBeInTheDocument();
    expect(await screen.findByText('team-a/team-a-dev')).toBeInTheDocument();
    expect(screen.getByText('1 Not applied')).toBeInTheDocument();
  });

  it('has an empty state with a first action', async () => {
    renderDashboard(mockClustersApi({ configured: false }));
    expect(await screen.findByText('No clusters yet')).toBeInTheDocument();
    expect(screen.getAllByText('Create a cluster').length).toBeGreaterThan(0);
  });
});
