import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  EXAMPLE_YAML,
  exampleFile,
  mockClustersApi,
} from '../__testUtils__/fixtures';
import { butlerClustersApiRef } from '../api';
import { changedLines } from '../lib/changes';
import { rootRouteRef } from '../routes';
import { ClusterPage } from './ClusterPage';

function renderPage(
  clusters = mockClustersApi(),
  gitops = mockGitopsApi(),
  permission = mockApis.permission(),
  path = '/butler/team-a/team-a-dev',
) {
  gitops.getResource.mockResolvedValue(exampleFile());
  gitops.openChange.mockResolvedValue({
    id: 'platform:7',
    number: 7,
    repository: 'platform',
    branch: 'butler/scale',
    state: 'open',
  } as any);
  renderInTestApp(
    <Routes>
      <Route path="/butler/:namespace/:name" element={<ClusterPage />} />
    </Routes>,
    {
      apis: [
        [butlerClustersApiRef, clusters],
        [gitopsApiRef, gitops],
        [permissionApiRef, permission],
      ],
      mountedRoutes: { '/butler': rootRouteRef },
      initialRouteEntries: [path],
    },
  );
  return { clusters, gitops };
}

describe('ClusterPage', () => {
  it('shows overview, conditions, nodes, addons and the file in Git', async () => {
    renderPage();
    expect(
      await screen.findByText('ClusterReady', { exact: false }),
    ).toBeInTheDocument();
    expect(screen.getByText('team-a-dev-worker-2')).toBeInTheDocument();
    expect(
      screen.getByText(/cert-manager: Installed, installed v1.16.2/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /platform: tenant-clusters\/team-a\/team-a-dev.yaml/,
      ),
    ).toBeInTheDocument();
  });

  it('scales the workers as a change request editing one line', async () => {
    const { gitops } = renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Scale workers' }),
    );
    fireEvent.change(screen.getByLabelText('Workers'), {
      target: { value: '5' },
    });
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() => expect(gitops.openChange).toHaveBeenCalledTimes(1));
    const [request] = gitops.openChange.mock.calls[0];
    expect(request).toMatchObject({
      operation: 'update',
      kind: 'TenantCluster',
      namespace: 'team-a',
      name: 'team-a-dev',
      baseRevision: 'c0ffee0000000000000000000000000000000000',
      title: 'Scale team-a/team-a-dev to 5 workers',
    });
    expect(changedLines(EXAMPLE_YAML, request.yaml!)).toBe(1);
    expect(await screen.findByText(/is open for review/)).toBeInTheDocument();
  });

  it("refuses before submit a scale beyond the team's limit, naming it", async () => {
    const { gitops } = renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Scale workers' }),
    );
    fireEvent.change(screen.getByLabelText('Workers'), {
      target: { value: '7' },
    });
    expect(
      await screen.findByText(
        "7 workers exceed team team-a's maxNodesPerCluster of 6",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Open change request' }),
    ).toBeDisabled();
    expect(gitops.openChange).not.toHaveBeenCalled();
  });

  it('refuses an upgrade to a version the team does not allow, and deletes by deleting the file', async () => {
    const { gitops } = renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    );
    fireEvent.change(screen.getByLabelText('Kubernetes version'), {
      target: { value: 'v1.33.0' },
    });
    expect(
      await screen.findByText(
        /Kubernetes v1.33.0 is not allowed for team team-a/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() => expect(gitops.openChange).toHaveBeenCalledTimes(1));
    expect(gitops.openChange.mock.calls[0][0]).toMatchObject({
      operation: 'delete',
      kind: 'TenantCluster',
      namespace: 'team-a',
      name: 'team-a-dev',
    });
    expect(gitops.openChange.mock.calls[0][0].yaml).toBeUndefined();
  });

  it('offers the kubeconfig download to those the policy allows for this cluster, and only them', async () => {
    const asked: unknown[] = [];
    const clusters = mockClustersApi();
    const createObjectURL = jest.fn(() => 'blob:kubeconfig');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    renderPage(
      clusters,
      mockGitopsApi(),
      mockApis.permission({
        authorize: request => {
          asked.push(request);
          return AuthorizeResult.ALLOW;
        },
      }),
    );
    fireEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Download kubeconfig' },
        // shown once the live cluster and the decision are in (a slow test machine)
        { timeout: 10_000 },
      ),
    );
    await waitFor(() => expect(revokeObjectURL).toHaveBeenCalled());
    expect(clusters.downloadKubeconfig).toHaveBeenCalledWith({
      namespace: 'team-a',
      name: 'team-a-dev',
    });
    expect(asked).toContainEqual(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'butler.cluster.kubeconfig',
        }),
        resourceRef: 'team-a/team-a-dev',
      }),
    );
  });

  it('shows no kubeconfig button when the policy refuses it (a viewer, another team)', async () => {
    const asked: unknown[] = [];
    renderPage(
      mockClustersApi(),
      mockGitopsApi(),
      mockApis.permission({
        authorize: request => {
          asked.push(request);
          return AuthorizeResult.DENY;
        },
      }),
      // another cluster: usePermission keeps decisions per resourceRef across renders
      '/butler/team-b/team-b-dev',
    );
    expect(
      await screen.findByRole('button', { name: 'Scale workers' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('team-a-dev-worker-2')).toBeInTheDocument();
    // the decision was asked and answered before the page is looked at
    await waitFor(() => expect(asked.length).toBeGreaterThan(0));
    await new Promise(r => setTimeout(r, 100));
    expect(
      screen.queryByRole('button', { name: 'Download kubeconfig' }),
    ).not.toBeInTheDocument();
  });

  it('says why when the download is refused', async () => {
    const clusters = mockClustersApi();
    clusters.downloadKubeconfig.mockRejectedValue(
      new Error(
        'TenantCluster team-a/team-a-dev has no kubeconfig yet: status.kubeconfigSecretRef is not set',
      ),
    );
    renderPage(clusters);
    fireEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Download kubeconfig' },
        // shown once the live cluster and the decision are in (a slow test machine)
        { timeout: 10_000 },
      ),
    );
    expect(
      await screen.findByText(/Kubeconfig not downloaded: .*kubeconfigSecretRef is not set/),
    ).toBeInTheDocument();
  });
});
