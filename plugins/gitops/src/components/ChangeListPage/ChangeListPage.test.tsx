import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { gitopsApiRef, rootRouteRef } from '@butler-portal/plugin-gitops-react';
import {
  aChange,
  mockGitopsApi,
} from '@butler-portal/plugin-gitops-react/testUtils';
import { ChangeListPage } from './ChangeListPage';

function renderPage(api: ReturnType<typeof mockGitopsApi>, url = '/changes') {
  renderInTestApp(<ChangeListPage />, {
    apis: [
      [gitopsApiRef, api],
      mockApis.identity({ userEntityRef: 'user:default/jane' }),
    ],
    mountedRoutes: { '/changes': rootRouteRef },
    mountPath: '/changes',
    initialRouteEntries: [url],
  });
}

describe('ChangeListPage', () => {
  it('lists open changes first, then switches state by tab', async () => {
    const api = mockGitopsApi();
    api.listChanges.mockImplementation(async filter =>
      filter?.state === 'merged'
        ? [aChange({ title: 'Merged one', state: 'merged' })]
        : [aChange()],
    );
    renderPage(api);

    expect(
      await screen.findByText('Create workspace team-a/jane-dev'),
    ).toBeInTheDocument();
    expect(api.listChanges).toHaveBeenLastCalledWith(
      expect.objectContaining({
        state: 'open',
        author: undefined,
        kind: undefined,
      }),
    );

    fireEvent.click(screen.getByRole('tab', { name: 'Merged' }));
    expect(await screen.findByText('Merged one')).toBeInTheDocument();
    expect(api.listChanges).toHaveBeenLastCalledWith(
      expect.objectContaining({ state: 'merged' }),
    );
  });

  it('filters by kind and by the signed-in author', async () => {
    const api = mockGitopsApi();
    api.listChanges.mockResolvedValue([]);
    renderPage(api);
    expect(
      await screen.findByText('No open change requests'),
    ).toBeInTheDocument();

    fireEvent.mouseDown(screen.getByRole('button', { name: 'Kind' }));
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByText('Pipeline'),
    );
    await waitFor(() =>
      expect(api.listChanges).toHaveBeenLastCalledWith(
        expect.objectContaining({
          state: 'open',
          kind: 'Pipeline',
          author: undefined,
        }),
      ),
    );

    fireEvent.click(screen.getByRole('checkbox', { name: 'Mine' }));
    await waitFor(() =>
      expect(api.listChanges).toHaveBeenLastCalledWith(
        expect.objectContaining({
          kind: 'Pipeline',
          author: 'user:default/jane',
        }),
      ),
    );
  });

  it('reads the filters from the URL', async () => {
    const api = mockGitopsApi();
    api.listChanges.mockResolvedValue([]);
    renderPage(api, '/changes?state=closed&kind=Workspace&mine=true');

    expect(
      await screen.findByText('No closed change requests'),
    ).toBeInTheDocument();
    expect(api.listChanges).toHaveBeenCalledWith({
      state: 'closed',
      kind: 'Workspace',
      author: 'user:default/jane',
      repository: undefined,
    });
    expect(api.listChanges).toHaveBeenCalledTimes(1);
  });

  it('lists all kinds, and says so, for a kind in the URL that does not exist', async () => {
    const api = mockGitopsApi();
    api.listChanges.mockResolvedValue([aChange()]);
    renderPage(api, '/changes?kind=Gizmo');

    expect(
      await screen.findByText('Create workspace team-a/jane-dev'),
    ).toBeInTheDocument();
    expect(api.listChanges).toHaveBeenCalledWith(
      expect.objectContaining({ kind: undefined }),
    );
    expect(
      screen.getByText('Unknown kind "Gizmo": showing all kinds'),
    ).toBeInTheDocument();
  });
});
