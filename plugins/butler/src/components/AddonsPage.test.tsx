import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { AddonDefinitionInfo } from '@butler-portal/plugin-butler-common';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { parse } from 'yaml';
import { mockClustersApi } from '../__testUtils__/fixtures';
import { butlerClustersApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { AddonsPage } from './AddonsPage';

const definition = (name: string, platform = false): AddonDefinitionInfo => ({
  name,
  displayName: name === 'cilium' ? 'Cilium' : 'Prometheus',
  description: `${name} for tenant clusters`,
  category: platform ? 'cni' : 'observability',
  platform,
  chart: {
    name,
    repository: `https://charts.example.com/${name}`,
    defaultVersion: '1.2.0',
    availableVersions: ['1.1.0', '1.2.0'],
  },
  defaultValues: { replicas: 1 },
  dependsOn: [],
});

function renderPage() {
  const clusters = mockClustersApi();
  clusters.listAddonDefinitions.mockResolvedValue([
    definition('cilium', true),
    definition('prometheus'),
  ]);
  clusters.listAddons.mockResolvedValue([
    {
      namespace: 'team-a',
      name: 'cert-manager',
      cluster: 'team-a-dev',
      addon: 'cert-manager',
      version: 'v1.16.2',
      phase: 'Installed',
      installedVersion: 'v1.16.2',
      conditions: [],
    },
  ]);
  const gitops = mockGitopsApi();
  gitops.openChange.mockResolvedValue({
    id: 'platform:9',
    number: 9,
    repository: 'platform',
    branch: 'b',
    state: 'open',
  } as any);
  renderInTestApp(<AddonsPage />, {
    apis: [
      [butlerClustersApiRef, clusters],
      [gitopsApiRef, gitops],
    ],
    mountedRoutes: { '/butler': rootRouteRef },
  });
  return { clusters, gitops };
}

describe('AddonsPage', () => {
  it('shows the catalog, says why a platform addon cannot be installed, and the installed addons live', async () => {
    renderPage();
    expect(
      await screen.findByText('prometheus for tenant clusters'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Installed with every cluster by the platform; not installable or removable here/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Install' })).toHaveLength(1);
    expect(
      await screen.findByText(
        /team-a\/cert-manager on team-a-dev: Installed v1.16.2/,
      ),
    ).toBeInTheDocument();
  });

  it('installs an addon as a change request adding one TenantAddon file with its values', async () => {
    const { gitops } = renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Install' }));
    fireEvent.change(screen.getByLabelText('Values (YAML)'), {
      target: { value: 'replicas: 2\n' },
    });
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() => expect(gitops.openChange).toHaveBeenCalledTimes(1));
    const [request] = gitops.openChange.mock.calls[0];
    expect(request).toMatchObject({
      operation: 'create',
      kind: 'TenantAddon',
      namespace: 'team-a',
      name: 'prometheus',
    });
    expect(parse(request.yaml!).spec).toEqual({
      clusterRef: { name: 'team-a-dev' },
      addon: 'prometheus',
      version: '1.2.0',
      values: { replicas: 2 },
    });
  });

  it('refuses values that are not YAML before submit', async () => {
    const { gitops } = renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Install' }));
    fireEvent.change(screen.getByLabelText('Values (YAML)'), {
      target: { value: 'replicas: [1, 2' },
    });
    expect(await screen.findByText(/^values: /)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Open change request' }),
    ).toBeDisabled();
    expect(gitops.openChange).not.toHaveBeenCalled();
  });

  it('uninstalls an addon as a change request deleting its file', async () => {
    const { gitops } = renderPage();
    gitops.getResource.mockResolvedValue({
      repository: 'platform',
      kind: 'TenantAddon',
      namespace: 'team-a',
      name: 'cert-manager',
      path: 'tenant-addons/team-a/cert-manager.yaml',
      revision: 'abc',
      object: null,
      yaml: '',
      changes: [],
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Uninstall' }));
    await screen.findByText('File: tenant-addons/team-a/cert-manager.yaml');
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() => expect(gitops.openChange).toHaveBeenCalledTimes(1));
    expect(gitops.openChange.mock.calls[0][0]).toMatchObject({
      operation: 'delete',
      kind: 'TenantAddon',
      namespace: 'team-a',
      name: 'cert-manager',
      baseRevision: 'abc',
    });
  });
});
