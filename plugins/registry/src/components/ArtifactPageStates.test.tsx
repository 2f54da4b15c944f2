/*
 * The artifact page's states besides the happy path: refreshing, a version that cannot be
 * loaded (with the reason and a way back), no versions, empty content, and the dependency graph
 * in its card.
 */
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import type { ArtifactDetailResponse } from '@butler-portal/plugin-registry-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  aDetail,
  anArtifact,
  mockRegistryApi,
} from '../__testUtils__/fixtures';
import { registryApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { ArtifactPage } from './ArtifactPage';

function renderPage(registryApi = mockRegistryApi()) {
  renderInTestApp(
    <Routes>
      <Route path="/registry/:namespace/:name" element={<ArtifactPage />} />
    </Routes>,
    {
      initialRouteEntries: ['/registry/team-a/terraform-aws-vpc'],
      apis: [
        [registryApiRef, registryApi],
        [gitopsApiRef, mockGitopsApi()],
      ],
      mountedRoutes: { '/registry': rootRouteRef },
    },
  );
  return registryApi;
}

const withReadme = (version: string) =>
  aDetail({
    content: { version, readme: `# VPC ${version}`, files: ['main.tf'] },
  });

describe('ArtifactPage states', () => {
  it('keeps the shown version while another loads, with a progress bar', async () => {
    const api = mockRegistryApi();
    let answer: (d: ArtifactDetailResponse) => void = () => {};
    api.getArtifact
      .mockResolvedValueOnce(withReadme('1.5.0'))
      .mockReturnValueOnce(new Promise(resolve => (answer = resolve)));
    renderPage(api);
    await screen.findByRole('heading', { name: 'VPC 1.5.0' });
    expect(
      screen.queryByRole('progressbar', { name: 'Loading version 1.4.0' }),
    ).not.toBeInTheDocument();
    const versions = screen.getByRole('table', { name: 'Versions' });
    fireEvent.click(within(versions).getByRole('button', { name: '1.4.0' }));
    expect(
      await screen.findByRole('progressbar', { name: 'Loading version 1.4.0' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'VPC 1.5.0' }),
    ).toBeInTheDocument();
    answer(withReadme('1.4.0'));
    await screen.findByRole('heading', { name: 'VPC 1.4.0' });
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('says which version could not be loaded and why, and goes back to the latest', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockImplementation(async ({ version }) => {
      if (version === '1.4.0') {
        throw new Error('the source commit 0123456 is gone');
      }
      return withReadme('1.5.0');
    });
    renderPage(api);
    const versions = await screen.findByRole('table', { name: 'Versions' });
    fireEvent.click(within(versions).getByRole('button', { name: '1.4.0' }));
    expect(
      await screen.findByRole('heading', {
        name: 'Version 1.4.0 of team-a/terraform-aws-vpc could not be loaded',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Error: the source commit 0123456 is gone'),
    ).toBeInTheDocument();
    expect(screen.getByText('Back to the Registry')).toHaveAttribute(
      'href',
      '/registry',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(api.getArtifact).toHaveBeenCalledTimes(3));
    expect(api.getArtifact).toHaveBeenLastCalledWith({
      namespace: 'team-a',
      name: 'terraform-aws-vpc',
      version: '1.4.0',
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Show the latest version' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'VPC 1.5.0' }),
    ).toBeInTheDocument();
  });

  it('says how to publish the first version, and what an empty module or bundle lacks', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(
      aDetail({
        artifact: anArtifact({ versions: [], latest: undefined }),
        content: {
          version: '0.1.0',
          files: [],
          terraform: { inputs: [], outputs: [] },
          opa: { packages: [] },
        },
      }),
    );
    renderPage(api);
    const versions = await screen.findByRole('table', { name: 'Versions' });
    expect(
      within(versions).getByText(/No version yet\. “Publish a version” opens/),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('table', { name: 'Inputs' })).getByText(
        'No inputs',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('table', { name: 'Outputs' })).getByText(
        'No outputs',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText("The bundle's .rego files declare no package."),
    ).toBeInTheDocument();
    expect(screen.getByText('No version is served yet.')).toBeInTheDocument();
    expect(
      screen.getByText(
        'team-a/terraform-aws-vpc depends on no other artifact, and no artifact depends on it.',
      ),
    ).toBeInTheDocument();
  });

  it('draws the graph of an artifact without a served version whose dependency does not resolve', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(
      aDetail({
        artifact: anArtifact({
          name: 'terraform-aws-eks',
          versions: [],
          latest: undefined,
        }),
        dependencies: [
          {
            artifact: 'team-a/missing',
            namespace: 'team-a',
            name: 'missing',
            versionRange: '^2.0.0',
            problem: 'no artifact team-a/missing',
          },
        ],
      }),
    );
    renderPage(api);
    const graph = await screen.findByRole('figure', {
      name: 'Dependency graph',
    });
    expect(
      within(graph).getByText('unresolved: no artifact team-a/missing'),
    ).toBeInTheDocument();
    expect(
      await within(graph).findByLabelText(
        'team-a/terraform-aws-eks depends on team-a/missing ^2.0.0, which does not resolve: no artifact team-a/missing',
      ),
    ).toHaveAttribute('data-state', 'error');
  });

  it('draws the dependency graph of the artifact', async () => {
    const api = mockRegistryApi();
    api.getArtifact.mockResolvedValue(
      aDetail({
        dependencies: [
          {
            artifact: 'team-a/terraform-aws-subnets',
            namespace: 'team-a',
            name: 'terraform-aws-subnets',
            versionRange: '^2.0.0',
            resolved: '2.1.0',
          },
        ],
        usedBy: [
          {
            namespace: 'team-b',
            name: 'terraform-aws-eks',
            versionRange: '~1.5.0',
            acceptsLatest: true,
          },
        ],
      }),
    );
    renderPage(api);
    const graph = await screen.findByRole('figure', {
      name: 'Dependency graph',
    });
    expect(
      within(graph).getByLabelText('team-a/terraform-aws-vpc (this artifact)'),
    ).toBeInTheDocument();
    expect(
      within(graph).getByRole('link', { name: 'terraform-aws-subnets' }),
    ).toHaveAttribute('href', '/registry/team-a/terraform-aws-subnets');
    expect(
      within(graph).getByRole('link', { name: 'terraform-aws-eks' }),
    ).toHaveAttribute('href', '/registry/team-b/terraform-aws-eks');
    expect(
      await within(graph).findByLabelText(
        'team-a/terraform-aws-vpc depends on team-a/terraform-aws-subnets ^2.0.0, resolved to 2.1.0',
      ),
    ).toBeInTheDocument();
  });
});
