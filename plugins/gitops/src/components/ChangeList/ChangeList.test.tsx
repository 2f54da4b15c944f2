import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { gitopsApiRef, rootRouteRef } from '@butler-portal/plugin-gitops-react';
import {
  aChange,
  mockGitopsApi,
} from '@butler-portal/plugin-gitops-react/testUtils';
import { ChangeList } from './ChangeList';

const mountedRoutes = { '/changes': rootRouteRef };

describe('ChangeList', () => {
  it('lists change requests with author, age, review, checks, mergeability and a link to the provider', async () => {
    const api = mockGitopsApi();
    api.listChanges.mockResolvedValue([
      aChange(),
      aChange({
        id: 'apps:7',
        repository: 'apps',
        number: 7,
        provider: 'github',
        title: 'Update pipeline team-a/app-logs',
        url: 'https://github.example/org/apps/pull/7',
        author: { name: 'Bob', login: 'bob' },
        createdAt: new Date(Date.now() - 2 * 3600 * 1000).toISOString(),
        resources: [
          {
            kind: 'Pipeline',
            namespace: 'team-a',
            name: 'app-logs',
            operation: 'update',
          },
        ],
        approval: {
          approved: true,
          required: 1,
          received: 1,
          missingOwners: [],
        },
        mergeable: true,
        mergeableReason: undefined,
        checks: [{ context: 'butler-portal/validate', state: 'failure' }],
      }),
    ]);

    await renderInTestApp(
      <ChangeList filter={{ state: 'open', kind: 'Workspace' }} />,
      {
        apis: [[gitopsApiRef, api]],
        mountedRoutes,
      },
    );

    expect(
      await screen.findByText('Create workspace team-a/jane-dev'),
    ).toBeInTheDocument();
    expect(api.listChanges).toHaveBeenCalledWith({
      state: 'open',
      kind: 'Workspace',
      author: undefined,
      repository: undefined,
    });
    // the local change links to its page in the portal, the id encoded
    expect(
      screen.getByRole('link', { name: 'Create workspace team-a/jane-dev' }),
    ).toHaveAttribute('href', '/changes/platform%3A12');
    expect(
      screen.getByText(/platform#12 · Workspace team-a\/jane-dev \(create\)/),
    ).toBeInTheDocument();
    expect(screen.getByText('Jane Doe')).toBeInTheDocument();
    expect(screen.getByText('3 minutes ago')).toBeInTheDocument();
    expect(
      screen.getByText('0 of 1 approval; missing group:default/team-a'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Not mergeable: not approved yet'),
    ).toBeInTheDocument();
    // the list names the checks; their descriptions are on hover
    expect(screen.getAllByText('butler-portal/validate')).toHaveLength(2);
    expect(
      screen.queryByText('butler-portal/validate: all files valid'),
    ).not.toBeInTheDocument();

    // the GitHub change: approved, mergeable, failed check, link out to GitHub
    expect(screen.getByText('Approved (1 of 1 approval)')).toBeInTheDocument();
    expect(screen.getByText('Mergeable')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^Open in GitHub/ }),
    ).toHaveAttribute('href', 'https://github.example/org/apps/pull/7');
    // the local change has no page elsewhere: its title link is the only one
    expect(screen.getAllByRole('link', { name: /^Open in/ })).toHaveLength(1);
    // no provider column pushing the status columns off the table
    expect(
      screen.queryByRole('columnheader', { name: /Provider/ }),
    ).not.toBeInTheDocument();
  });

  it('shows the empty state when there are no changes', async () => {
    const api = mockGitopsApi();
    api.listChanges.mockResolvedValue([]);

    await renderInTestApp(<ChangeList filter={{ state: 'open' }} />, {
      apis: [[gitopsApiRef, api]],
      mountedRoutes,
    });

    expect(
      await screen.findByText('No open change requests'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Changes made in the portal or pushed as branches appear here.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error with the server reason and retries', async () => {
    const api = mockGitopsApi();
    const failure = new Error('repository platform is unreachable');
    api.listChanges
      .mockRejectedValueOnce(failure)
      .mockResolvedValueOnce([aChange()]);

    await renderInTestApp(<ChangeList filter={{ state: 'open' }} />, {
      apis: [[gitopsApiRef, api]],
      mountedRoutes,
    });

    expect(
      await screen.findByText(
        /Could not load change requests: repository platform is unreachable/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('Create workspace team-a/jane-dev'),
    ).toBeInTheDocument();
    expect(api.listChanges).toHaveBeenCalledTimes(2);
  });

  it('shows for merged changes whether the reconciler applied them', async () => {
    const api = mockGitopsApi();
    const merge = (n: number) => `${n}`.repeat(40);
    api.listChanges.mockResolvedValue([
      aChange({
        id: 'platform:1',
        number: 1,
        title: 'Applied change',
        state: 'merged',
        mergeCommitSha: merge(1),
      }),
      aChange({
        id: 'platform:2',
        number: 2,
        title: 'Pending change',
        state: 'merged',
        mergeCommitSha: merge(2),
        resources: [],
        updatedAt: new Date().toISOString(),
      }),
    ]);
    api.getSyncStatus.mockResolvedValue([
      {
        repository: 'platform',
        target: 'directory',
        condition: 'Ready',
        reason: 'Synced',
        revision: merge(1),
        updatedAt: new Date(Date.now() - 60_000).toISOString(),
        consecutiveFailures: 0,
        resources: [],
      },
    ]);

    await renderInTestApp(<ChangeList filter={{ state: 'merged' }} />, {
      apis: [[gitopsApiRef, api]],
      mountedRoutes,
    });

    expect(await screen.findByText('Synced at 1111111')).toBeInTheDocument();
    expect(screen.getByText('OutOfSync (pending)')).toBeInTheDocument();
    expect(screen.getByText('Sync')).toBeInTheDocument();
  });

  it('leaves the sync column out for open changes', async () => {
    const api = mockGitopsApi();
    api.listChanges.mockResolvedValue([aChange()]);
    await renderInTestApp(<ChangeList filter={{ state: 'open' }} />, {
      apis: [[gitopsApiRef, api]],
      mountedRoutes,
    });
    expect(
      await screen.findByText('Create workspace team-a/jane-dev'),
    ).toBeInTheDocument();
    expect(api.getSyncStatus).not.toHaveBeenCalled();
    expect(screen.queryByText('Sync')).not.toBeInTheDocument();
  });

  it('shows the first page at once and the next one on "Show more"', async () => {
    const api = mockGitopsApi();
    const listChangePage = jest
      .fn()
      .mockResolvedValueOnce({
        items: [aChange({ id: 'platform:2', number: 2, title: 'First page row' })],
        nextCursor: 'next-1',
      })
      .mockResolvedValueOnce({
        items: [aChange({ id: 'platform:1', number: 1, title: 'Second page row' })],
      });
    api.listChangePage = listChangePage;
    await renderInTestApp(<ChangeList filter={{ state: 'open' }} />, {
      apis: [[gitopsApiRef, api]],
      mountedRoutes,
    });
    expect(await screen.findByText('First page row')).toBeInTheDocument();
    expect(screen.queryByText('Second page row')).not.toBeInTheDocument();
    expect(api.listChanges).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    expect(await screen.findByText('Second page row')).toBeInTheDocument();
    expect(screen.getByText('First page row')).toBeInTheDocument();
    expect(listChangePage).toHaveBeenLastCalledWith({
      state: 'open',
      kind: undefined,
      author: undefined,
      repository: undefined,
      limit: 50,
      cursor: 'next-1',
    });
    // the last page: nothing more to show
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
  });
});
