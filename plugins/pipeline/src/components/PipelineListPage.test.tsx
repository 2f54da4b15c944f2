import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  gitopsApiRef,
  rootRouteRef as changesRouteRef,
} from '@butler-portal/plugin-gitops-react';
import { aChange, mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { screen, within } from '@testing-library/react';
import { anEntry, BROKEN_YAML } from '../__testUtils__/fixtures';
import { rootRouteRef } from '../routes';
import { PipelineListPage } from './PipelineListPage';

function renderPage(gitopsApi = mockGitopsApi()) {
  renderInTestApp(<PipelineListPage />, {
    apis: [[gitopsApiRef, gitopsApi]],
    mountedRoutes: { '/pipelines': rootRouteRef, '/changes': changesRouteRef },
    mountPath: '/pipelines',
    initialRouteEntries: ['/pipelines'],
  });
  return gitopsApi;
}

describe('PipelineListPage', () => {
  it('lists pipelines with owner, component counts, validation, sync state and open changes', async () => {
    const gitopsApi = mockGitopsApi();
    const broken = anEntry(BROKEN_YAML.replace('name: app-logs', 'name: host'), { name: 'host', path: 'pipelines/team-a/host.yaml' });
    gitopsApi.listResources.mockResolvedValue([anEntry(), broken]);
    gitopsApi.listChanges.mockResolvedValue([
      aChange({
        id: 'platform:7',
        number: 7,
        title: 'Edit pipeline team-a/app-logs',
        resources: [{ kind: 'Pipeline', namespace: 'team-a', name: 'app-logs', operation: 'update' }],
      }),
      aChange({
        id: 'platform:8',
        number: 8,
        title: 'Create pipeline team-a/new-one',
        resources: [{ kind: 'Pipeline', namespace: 'team-a', name: 'new-one', operation: 'create' }],
      }),
    ]);
    gitopsApi.getSyncStatus.mockResolvedValue([
      {
        repository: 'platform',
        target: 'vector-directory',
        condition: 'Ready',
        reason: 'Synced',
        revision: 'abc',
        consecutiveFailures: 0,
        resources: [
          { kind: 'Pipeline', namespace: 'team-a', name: 'app-logs', status: 'Synced', revision: 'abc', reason: 'Applied' },
        ],
      },
    ]);
    renderPage(gitopsApi);

    const row = await screen.findByRole('row', { name: 'Pipeline team-a/app-logs' });
    const cells = within(row).getAllByRole('cell').map(c => c.textContent);
    expect(cells).toEqual([
      'team-a/app-logs',
      'group:default/team-a',
      '1',
      '1',
      '1',
      'Valid',
      'Synced',
      '#7 (update)',
    ]);
    expect(within(row).getByRole('link', { name: 'team-a/app-logs' })).toHaveAttribute('href', '/pipelines/team-a/app-logs');

    const brokenRow = screen.getByRole('row', { name: 'Pipeline team-a/host' });
    expect(within(brokenRow).getByText('1 error')).toBeInTheDocument();
    expect(within(brokenRow).getByText('not synced yet')).toBeInTheDocument();

    const pending = screen.getByRole('row', { name: 'Pipeline team-a/new-one' });
    expect(within(pending).getByText('pending create')).toBeInTheDocument();
    expect(gitopsApi.listChanges).toHaveBeenCalledWith({ state: 'open', kind: 'Pipeline' });
    expect(screen.getAllByRole('button', { name: 'Create pipeline' })[0]).toHaveAttribute('href', '/pipelines/create');
  });

  it('says so when there is no pipeline, with the create button', async () => {
    renderPage();
    expect(await screen.findByText('No pipelines yet')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Create pipeline' })[0]).toHaveAttribute('href', '/pipelines/create');
  });

  it('shows the error when the pipelines cannot be listed', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.listResources.mockRejectedValue(new Error('gitops backend unreachable'));
    renderPage(gitopsApi);
    expect(await screen.findByText('Error: The pipelines could not be listed')).toBeInTheDocument();
    expect(screen.getAllByText(/gitops backend unreachable/).length).toBeGreaterThan(0);
  });
});
