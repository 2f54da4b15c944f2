import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { fireEvent, screen, within } from '@testing-library/react';
import {
  aChange,
  anEntry,
  aWorkspace,
  mockCatalogApi,
  mockGitopsApi,
  mockRuntimeApi,
  UNAVAILABLE_REASON,
} from '../__testUtils__/fixtures';
import { butlerRuntimeApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { WorkspaceListPage } from './WorkspaceListPage';

function renderPage(
  gitopsApi = mockGitopsApi(),
  runtimeApi = mockRuntimeApi(),
) {
  renderInTestApp(<WorkspaceListPage />, {
    apis: [
      [gitopsApiRef, gitopsApi],
      [butlerRuntimeApiRef, runtimeApi],
      [catalogApiRef, mockCatalogApi('Jane@Example.com')],
      mockApis.identity({ userEntityRef: 'user:default/jane' }),
    ],
    mountedRoutes: { '/workspaces': rootRouteRef },
  });
  return { gitopsApi, runtimeApi };
}

function withWorkspaces() {
  const gitopsApi = mockGitopsApi();
  gitopsApi.listResources.mockResolvedValue([
    anEntry(aWorkspace('jane-dev', 'team-a', 'jane@example.com')),
    anEntry(aWorkspace('bob-dev', 'team-a', 'bob@example.com')),
  ]);
  gitopsApi.listChanges.mockResolvedValue([
    aChange(),
    aChange({
      id: 'platform:13',
      number: 13,
      author: { name: 'Bob', userRef: 'user:default/bob' },
      resources: [
        {
          kind: 'Workspace',
          namespace: 'team-a',
          name: 'bob-dev',
          operation: 'update',
        },
      ],
    }),
  ]);
  gitopsApi.getSyncStatus.mockResolvedValue([
    {
      repository: 'platform',
      target: 'butler',
      condition: 'Ready',
      reason: 'Synced',
      revision: 'abc',
      consecutiveFailures: 0,
      resources: [
        {
          kind: 'Workspace',
          namespace: 'team-a',
          name: 'jane-dev',
          status: 'Synced',
          revision: 'abc',
          reason: 'Applied',
        },
      ],
    },
  ]);
  return gitopsApi;
}

describe('WorkspaceListPage', () => {
  it('lists my workspaces, with a create still in review, and says why live status is missing', async () => {
    const gitopsApi = withWorkspaces();
    renderPage(gitopsApi);

    const table = await screen.findByRole('table', { name: 'Workspaces' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.getAttribute('aria-label'))).toEqual([
      'Workspace team-a/jane-dev',
      'Workspace team-a/jane-new',
    ]);
    // mine are filtered on the server, not fetched all and hidden
    expect(gitopsApi.listResources).toHaveBeenCalledWith({
      kind: 'Workspace',
      owner: 'Jane@Example.com',
    });
    const jane = within(table).getByRole('row', {
      name: 'Workspace team-a/jane-dev',
    });
    expect(within(jane).getByText('go-backend')).toBeInTheDocument();
    expect(within(jane).getByText('2 CPU / 8Gi')).toBeInTheDocument();
    expect(within(jane).getByText('Synced')).toBeInTheDocument();
    expect(within(jane).getByText('unavailable')).toBeInTheDocument();
    expect(
      within(jane).getByRole('link', { name: 'team-a/jane-dev' }),
    ).toHaveAttribute('href', '/workspaces/team-a/jane-dev');

    const pending = within(table).getByRole('row', {
      name: 'Workspace team-a/jane-new',
    });
    expect(within(pending).getByText('pending create')).toBeInTheDocument();
    // nothing can run before the create is merged: no "unavailable" live phase for it
    expect(within(pending).queryByText('unavailable')).not.toBeInTheDocument();
    expect(
      within(pending).getByRole('link', { name: /#12 create/ }),
    ).toHaveAttribute('href', 'https://github.example/acme/platform/pull/12');
    expect(
      screen.getByRole('status', { name: 'Runtime unavailable' }),
    ).toHaveTextContent(UNAVAILABLE_REASON);
  });

  it("shows everyone's workspaces with the toggle", async () => {
    renderPage(withWorkspaces());
    fireEvent.click(
      await screen.findByRole('checkbox', { name: 'Show all workspaces' }),
    );
    const bob = await screen.findByRole('row', {
      name: 'Workspace team-a/bob-dev',
    });
    expect(within(bob).getByText('not synced yet')).toBeInTheDocument();
    expect(
      within(bob).getByRole('link', { name: /#13 update/ }),
    ).toBeInTheDocument();
  });

  it('shows the live phase when the management cluster reports it', async () => {
    const runtimeApi = mockRuntimeApi([
      {
        namespace: 'team-a',
        name: 'jane-dev',
        exists: true,
        phase: 'Running',
        conditions: [],
      },
    ]);
    renderPage(withWorkspaces(), runtimeApi);
    const jane = await screen.findByRole('row', {
      name: 'Workspace team-a/jane-dev',
    });
    expect(await within(jane).findByText('Running')).toBeInTheDocument();
    expect(
      screen.queryByRole('status', { name: 'Runtime unavailable' }),
    ).not.toBeInTheDocument();
  });

  it('invites a newcomer to create one', async () => {
    renderPage();
    expect(
      await screen.findByText('No workspaces yet — create one'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('button', { name: 'Create workspace' })[0],
    ).toHaveAttribute('href', '/workspaces/create');
  });

  it('shows the reason when the workspaces cannot be listed', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.listResources.mockRejectedValue(
      new Error('repository unreachable'),
    );
    renderPage(gitopsApi);
    expect(
      await screen.findByText('Error: repository unreachable'),
    ).toBeInTheDocument();
  });

  it('leaves the template empty for a workspace without one, not the image again', async () => {
    const plain = aWorkspace('jane-plain', 'team-a', 'jane@example.com');
    delete plain.metadata.annotations;
    const gitopsApi = mockGitopsApi();
    gitopsApi.listResources.mockResolvedValue([anEntry(plain)]);
    renderPage(gitopsApi);
    const row = await screen.findByRole('row', {
      name: 'Workspace team-a/jane-plain',
    });
    const cells = within(row).getAllByRole('cell');
    expect(cells[1]).toHaveTextContent('—');
    expect(cells[2]).toHaveTextContent(
      'ghcr.io/butlerdotdev/workspace-go:1.23',
    );
    expect(within(row).getAllByText(/workspace-go/)).toHaveLength(1);
  });

  it("points to everyone's workspaces when I own none", async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.listResources.mockResolvedValue([
      anEntry(aWorkspace('bob-dev', 'team-a', 'bob@example.com')),
    ]);
    renderPage(gitopsApi);
    expect(
      await screen.findByText(
        /Switch on "All workspaces" to see the other one/,
      ),
    ).toBeInTheDocument();
  });

  it('keeps a failed sync to one line, its error on hover', async () => {
    const gitopsApi = withWorkspaces();
    gitopsApi.getSyncStatus.mockResolvedValue([
      {
        repository: 'platform',
        target: 'butler',
        condition: 'Stalled',
        reason: 'ApplyFailed',
        revision: 'abc',
        consecutiveFailures: 2,
        resources: [
          {
            kind: 'Workspace',
            namespace: 'team-a',
            name: 'jane-dev',
            status: 'Failed',
            revision: 'abc',
            reason: 'ApplyFailed',
            lastError: 'admission webhook denied the request',
          },
        ],
      },
    ]);
    renderPage(gitopsApi);
    const jane = await screen.findByRole('row', {
      name: 'Workspace team-a/jane-dev',
    });
    expect(within(jane).getByText('Failed')).toBeInTheDocument();
    expect(
      within(jane).queryByText(/admission webhook denied/),
    ).not.toBeInTheDocument();
    fireEvent.mouseOver(
      within(jane).getByLabelText(
        'Failed: admission webhook denied the request',
      ),
    );
    expect(
      await screen.findByRole('tooltip', {
        name: 'admission webhook denied the request',
      }),
    ).toBeInTheDocument();
  });
});
