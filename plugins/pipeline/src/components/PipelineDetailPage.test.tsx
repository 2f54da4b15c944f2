import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  gitopsApiRef,
  rootRouteRef as changesRouteRef,
} from '@butler-portal/plugin-gitops-react';
import { aChange, mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { screen, within } from '@testing-library/react';
import { EditorView } from '@uiw/react-codemirror';
import { aDetail, BROKEN_YAML } from '../__testUtils__/fixtures';
import { rootRouteRef } from '../routes';
import { PipelineDetailPage } from './PipelineDetailPage';

function renderPage(gitopsApi: ReturnType<typeof mockGitopsApi>) {
  renderInTestApp(<PipelineDetailPage />, {
    apis: [[gitopsApiRef, gitopsApi]],
    mountedRoutes: { '/pipelines': rootRouteRef, '/changes': changesRouteRef },
    mountPath: '/pipelines/:namespace/:name',
    initialRouteEntries: ['/pipelines/team-a/app-logs'],
  });
}

const onAppLogs = (operation: 'create' | 'update') => [
  { kind: 'Pipeline' as const, namespace: 'team-a', name: 'app-logs', operation },
];

describe('PipelineDetailPage', () => {
  it('shows the graph with typed edges, the rendered Vector config, sync state, open changes and history', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(
      aDetail(undefined, {
        changes: [aChange({ id: 'platform:9', number: 9, title: 'Edit pipeline team-a/app-logs', resources: onAppLogs('update') })],
      }),
    );
    gitopsApi.listChanges.mockResolvedValue([
      aChange({ id: 'platform:3', number: 3, state: 'merged', title: 'Create pipeline team-a/app-logs', resources: onAppLogs('create') }),
      aChange({ id: 'platform:4', number: 4, state: 'merged', title: 'Create workspace team-a/x' }),
    ]);
    gitopsApi.getSyncStatus.mockResolvedValue([
      {
        repository: 'platform',
        target: 'vector-directory',
        condition: 'Ready',
        reason: 'Synced',
        revision: 'abc',
        consecutiveFailures: 0,
        resources: [{ kind: 'Pipeline', namespace: 'team-a', name: 'app-logs', status: 'Synced', revision: 'abc', reason: 'Applied' }],
      },
    ]);
    renderPage(gitopsApi);

    expect(await screen.findByTestId('node-pod_logs')).toBeInTheDocument();
    expect(screen.getByTestId('edge-parse_json-0')).toHaveTextContent('logs');
    expect(screen.getByTestId('edge-loki-0')).toHaveAttribute('data-state', 'ok');
    expect(screen.getByTestId('pipeline-sync')).toHaveTextContent('Synced');

    const rendered = screen.getByRole('region', { name: 'Rendered Vector configuration' });
    expect(rendered).toHaveTextContent('team-a_app-logs.yaml');
    const doc = EditorView.findFromDOM(rendered.querySelector('.cm-editor') as HTMLElement)!.state.doc.toString();
    expect(doc).toContain('team-a_app-logs_loki:');
    expect(doc).toContain('- team-a_app-logs_parse_json');

    const open = screen.getByRole('table', { name: 'Open changes' });
    expect(within(open).getByRole('link', { name: '#9' })).toBeInTheDocument();
    const history = screen.getByRole('table', { name: 'Merged changes' });
    expect(within(history).getByText('Create pipeline team-a/app-logs')).toBeInTheDocument();
    expect(within(history).queryByText('Create workspace team-a/x')).not.toBeInTheDocument();
    expect(gitopsApi.listChanges).toHaveBeenCalledWith({ state: 'merged', kind: 'Pipeline' });
    expect(screen.getByRole('button', { name: 'Edit' })).toHaveAttribute('href', '/pipelines/team-a/app-logs/edit');
  });

  it('says why nothing is rendered for an invalid pipeline and marks the edge at fault', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(aDetail(BROKEN_YAML));
    gitopsApi.getSyncStatus.mockResolvedValue(undefined);
    renderPage(gitopsApi);
    expect(await screen.findByTestId('edge-loki-0')).toHaveAttribute('data-state', 'error');
    expect(screen.getByRole('alert')).toHaveTextContent('Not rendered: 1 error in the pipeline');
    expect(screen.getByTestId('pipeline-sync')).toHaveTextContent('no reconciler');
  });
});
