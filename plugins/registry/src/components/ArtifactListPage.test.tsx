import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import {
  aVersion,
  anArtifact,
  mockRegistryApi,
} from '../__testUtils__/fixtures';
import { registryApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { ArtifactListPage } from './ArtifactListPage';

function renderPage(registryApi = mockRegistryApi()) {
  renderInTestApp(<ArtifactListPage />, {
    apis: [[registryApiRef, registryApi]],
    mountedRoutes: {
      '/registry': rootRouteRef,
    },
  });
  return registryApi;
}

const ARTIFACTS = [
  anArtifact(),
  anArtifact({
    name: 'web-app',
    type: 'helm-chart',
    owner: 'group:default/web',
    title: 'Web application chart',
    versions: [
      aVersion('0.2.0', { state: 'open' }),
      aVersion('0.1.0', { state: 'deprecated', reason: 'use 0.2' }),
    ],
    latest: '0.1.0',
  }),
  anArtifact({
    namespace: 'team-b',
    name: 'opa-baseline',
    type: 'opa-bundle',
    owner: 'group:default/security',
    title: 'Baseline policies',
    tags: ['policy'],
  }),
];

function rowNames() {
  const table = screen.getByRole('table', { name: 'Artifacts' });
  return within(table)
    .getAllByRole('link')
    .map(l => l.textContent);
}

describe('ArtifactListPage', () => {
  it('lists the artifacts of the three types with their latest version and versions in review', async () => {
    const api = mockRegistryApi();
    api.listArtifacts.mockResolvedValue({
      revision: 'r',
      items: ARTIFACTS,
      problems: [],
    });
    renderPage(api);
    expect(await screen.findByText('team-a/terraform-aws-vpc')).toHaveAttribute(
      'href',
      '/registry/team-a/terraform-aws-vpc',
    );
    expect(rowNames()).toEqual([
      'team-a/terraform-aws-vpc',
      'team-a/web-app',
      'team-b/opa-baseline',
    ]);
    expect(screen.getByText('1 in review')).toBeInTheDocument();
    expect(screen.getByText('deprecated')).toBeInTheDocument();
  });

  it('searches by text and filters by the deprecated facet', async () => {
    const api = mockRegistryApi();
    api.listArtifacts.mockResolvedValue({
      revision: 'r',
      items: ARTIFACTS,
      problems: [],
    });
    renderPage(api);
    await screen.findByText('team-a/terraform-aws-vpc');
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'policies' },
    });
    expect(rowNames()).toEqual(['team-b/opa-baseline']);
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'nothing-like-this' },
    });
    expect(screen.getByText('No artifact matches')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: '' },
    });
    fireEvent.mouseDown(screen.getByLabelText('Deprecated'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText('Only deprecated'),
    );
    expect(rowNames()).toEqual(['team-a/web-app']);
  });

  it('filters by the type facet', async () => {
    const api = mockRegistryApi();
    api.listArtifacts.mockResolvedValue({
      revision: 'r',
      items: ARTIFACTS,
      problems: [],
    });
    renderPage(api);
    await screen.findByText('team-a/terraform-aws-vpc');
    fireEvent.mouseDown(screen.getByLabelText('Type'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText('Helm chart'),
    );
    // a multiple select stays open: close it as a person would
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' });
    expect(rowNames()).toEqual(['team-a/web-app']);
  });

  it('filters by the owner and namespace facets together', async () => {
    const api = mockRegistryApi();
    api.listArtifacts.mockResolvedValue({
      revision: 'r',
      items: ARTIFACTS,
      problems: [],
    });
    renderPage(api);
    await screen.findByText('team-a/terraform-aws-vpc');
    fireEvent.mouseDown(screen.getByLabelText('Namespace'));
    fireEvent.click(within(screen.getByRole('listbox')).getByText('team-a'));
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' });
    expect(rowNames()).toEqual(['team-a/terraform-aws-vpc', 'team-a/web-app']);
    fireEvent.mouseDown(screen.getByLabelText('Owner'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText('group:default/web'),
    );
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' });
    expect(rowNames()).toEqual(['team-a/web-app']);
  });

  it('shows the record files that could not be used', async () => {
    const api = mockRegistryApi();
    api.listArtifacts.mockResolvedValue({
      revision: 'r',
      items: ARTIFACTS,
      problems: [
        {
          repository: 'platform',
          file: 'artifact-versions/team-a/x-1.0.yaml',
          message: 'spec.version: not canonical SemVer',
        },
      ],
    });
    renderPage(api);
    expect(
      await screen.findByText(/x-1\.0\.yaml: spec\.version: not canonical/),
    ).toBeInTheDocument();
  });

  it('has an empty state', async () => {
    const api = mockRegistryApi();
    api.listArtifacts.mockResolvedValue({
      revision: 'r',
      items: [],
      problems: [],
    });
    renderPage(api);
    expect(await screen.findByText('No artifacts yet')).toBeInTheDocument();
  });

  it('has an error state naming the reason', async () => {
    const api = mockRegistryApi();
    api.listArtifacts.mockRejectedValue(new Error('registry is down'));
    renderPage(api);
    expect(
      await screen.findByText('Error: registry is down'),
    ).toBeInTheDocument();
  });
});
