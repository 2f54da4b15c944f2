import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { gitopsApiRef, rootRouteRef } from '@butler-portal/plugin-gitops-react';
import {
  aChangeDetail,
  JANE_DIFF,
  mockGitopsApi,
} from '@butler-portal/plugin-gitops-react/testUtils';
import { ChangeDetailPage, reviewerName } from './ChangeDetailPage';

function renderPage(
  api: ReturnType<typeof mockGitopsApi>,
  permission = mockApis.permission(),
) {
  const alertApi = mockApis.alert();
  renderInTestApp(<ChangeDetailPage />, {
    apis: [[gitopsApiRef, api], alertApi, permission],
    mountedRoutes: { '/changes': rootRouteRef },
    mountPath: '/changes/:id',
    initialRouteEntries: ['/changes/platform%3A12'],
  });
  return { alertApi };
}

const mergeableChange = () =>
  aChangeDetail({
    approval: { approved: true, required: 1, received: 1, missingOwners: [] },
    mergeable: true,
    mergeableReason: undefined,
    reviews: [
      {
        id: 'r1',
        author: 'user:default/guest',
        decision: 'approve',
        submittedAt: new Date().toISOString(),
        commitSha: 'c0ffee0000000000000000000000000000000000',
      },
    ],
  });

describe('ChangeDetailPage', () => {
  it('shows the change: description, diff lines, reviews, validation and why it cannot merge', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(
      aChangeDetail({
        reviews: [
          {
            id: 'r1',
            author: 'user:default/bob',
            decision: 'request_changes',
            comment: 'use a smaller image',
            submittedAt: new Date().toISOString(),
            commitSha: '0ld',
          },
        ],
        validation: {
          ok: false,
          issues: [
            {
              file: 'workspaces/team-a/jane-dev.yaml',
              path: '/spec/image',
              line: 9,
              column: 10,
              message: 'must be string',
            },
          ],
        },
      }),
    );

    renderPage(api);

    expect(
      await screen.findByRole('heading', {
        name: 'Create workspace team-a/jane-dev',
      }),
    ).toBeInTheDocument();
    // the id from the URL reaches the API decoded
    expect(api.getChange).toHaveBeenCalledWith('platform:12');
    expect(
      screen.getByText('Jane Doe', { selector: 'strong' }),
    ).toBeInTheDocument();

    const added = screen.getAllByTestId('diff-line-add');
    expect(added.map(row => row.textContent)).toEqual([
      '1+apiVersion: butler.butlerlabs.dev/v1alpha1',
      '2+kind: Workspace',
      '3+metadata:',
    ]);
    expect(screen.queryAllByTestId('diff-line-remove')).toHaveLength(0);

    expect(screen.getByText(/requested changes/)).toBeInTheDocument();
    // the reviewer as the catalog names people, the full ref on hover
    expect(screen.getByText('bob')).toHaveAttribute(
      'title',
      'user:default/bob',
    );
    expect(screen.getByText('use a smaller image')).toBeInTheDocument();
    expect(screen.getByText(/on an earlier commit/)).toBeInTheDocument();
    expect(screen.getByTestId('validation-issue')).toHaveTextContent(
      'workspaces/team-a/jane-dev.yaml:9:10 /spec/image: must be string',
    );

    expect(screen.getByRole('button', { name: 'Merge' })).toBeDisabled();
    expect(screen.getByTestId('merge-blocked-reason')).toHaveTextContent(
      'Cannot merge yet: not approved yet (0 of 1 approval; missing group:default/team-a).',
    );
    expect(screen.getByRole('button', { name: 'Approve' })).toBeEnabled();
  });

  it('approves through the API, reports it and reloads the change', async () => {
    const api = mockGitopsApi();
    api.getChange
      .mockResolvedValueOnce(aChangeDetail())
      .mockResolvedValueOnce(mergeableChange());
    api.review.mockResolvedValue({
      id: 'r1',
      author: 'user:default/guest',
      decision: 'approve',
      submittedAt: new Date().toISOString(),
    });
    const { alertApi } = renderPage(api);

    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));

    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Merge' })).toBeEnabled(),
    );
    expect(api.review).toHaveBeenCalledWith('platform:12', {
      decision: 'approve',
    });
    expect(api.getChange).toHaveBeenCalledTimes(2);
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: 'Approved platform:12',
        severity: 'success',
      }),
    ]);
    expect(
      screen.queryByTestId('merge-blocked-reason'),
    ).not.toBeInTheDocument();
  });

  it('merges a mergeable change and then shows it merged', async () => {
    const api = mockGitopsApi();
    api.getChange
      .mockResolvedValueOnce(mergeableChange())
      .mockResolvedValueOnce({
        ...mergeableChange(),
        state: 'merged',
        mergeCommitSha: 'abcdef1234567890',
      });
    api.merge.mockResolvedValue({ ...mergeableChange(), state: 'merged' });
    renderPage(api);

    fireEvent.click(await screen.findByRole('button', { name: 'Merge' }));

    await waitFor(() =>
      expect(screen.getByTestId('change-state')).toHaveTextContent('merged'),
    );
    expect(api.merge).toHaveBeenCalledWith('platform:12');
    expect(
      screen.queryByRole('button', { name: 'Merge' }),
    ).not.toBeInTheDocument();
    expect(screen.getByText('Merge commit abcdef123456')).toBeInTheDocument();
  });

  it('reports the reason when the server refuses to merge', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(mergeableChange());
    api.merge.mockRejectedValue(
      new Error('merge conflict in workspaces/team-a/jane-dev.yaml'),
    );
    const { alertApi } = renderPage(api);

    fireEvent.click(await screen.findByRole('button', { name: 'Merge' }));

    await waitFor(() => expect(alertApi.getAlerts()).toHaveLength(1));
    expect(alertApi.getAlerts()[0]).toMatchObject({
      severity: 'error',
      message:
        'Could not merge platform:12: merge conflict in workspaces/team-a/jane-dev.yaml',
    });
    expect(screen.getByRole('button', { name: 'Merge' })).toBeEnabled();
    expect(api.getChange).toHaveBeenCalledTimes(1);
  });

  it('requests changes with a comment', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(aChangeDetail());
    api.review.mockResolvedValue({
      id: 'r2',
      author: 'user:default/guest',
      decision: 'request_changes',
      submittedAt: new Date().toISOString(),
    });
    renderPage(api);

    fireEvent.click(
      await screen.findByRole('button', { name: 'Request changes' }),
    );
    const dialog = await screen.findByRole('dialog');
    const send = within(dialog).getByRole('button', { name: 'Send' });
    expect(send).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText('What needs to change'), {
      target: { value: '  give it less memory ' },
    });
    fireEvent.click(send);

    await waitFor(() =>
      expect(api.review).toHaveBeenCalledWith('platform:12', {
        decision: 'request_changes',
        comment: 'give it less memory',
      }),
    );
  });

  it('closes after confirmation', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(aChangeDetail());
    api.close.mockResolvedValue({ ...aChangeDetail(), state: 'closed' });
    renderPage(api);

    fireEvent.click(await screen.findByRole('button', { name: 'Close' }));
    expect(api.close).not.toHaveBeenCalled();
    fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Close change',
      }),
    );

    await waitFor(() => expect(api.close).toHaveBeenCalledWith('platform:12'));
  });

  it('links out to GitHub instead of offering review buttons', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(
      aChangeDetail({
        provider: 'github',
        url: 'https://github.example/org/platform/pull/12',
      }),
    );
    renderPage(api);

    const link = await screen.findByRole('link', { name: 'Open in GitHub' });
    expect(link).toHaveAttribute(
      'href',
      'https://github.example/org/platform/pull/12',
    );
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Merge' }),
    ).not.toBeInTheDocument();
  });

  it('shows a load error with retry', async () => {
    const api = mockGitopsApi();
    api.getChange
      .mockRejectedValueOnce(new Error('change platform:12 not found'))
      .mockResolvedValueOnce(aChangeDetail());
    renderPage(api);

    expect(
      await screen.findByText(
        /Could not load change platform:12: change platform:12 not found/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('heading', {
        name: 'Create workspace team-a/jane-dev',
      }),
    ).toBeInTheDocument();
  });

  it('offers the list, not a retry, for a change that does not exist', async () => {
    const api = mockGitopsApi();
    api.getChange.mockRejectedValue(
      Object.assign(new Error('change platform:12 not found'), {
        statusCode: 404,
      }),
    );
    renderPage(api);

    expect(
      await screen.findByText(/Could not load change platform:12/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'All changes' })).toHaveAttribute(
      'href',
      '/changes',
    );
  });

  it('says how to get past a conflict', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(
      aChangeDetail({
        approval: {
          approved: true,
          required: 1,
          received: 1,
          missingOwners: [],
        },
        mergeable: false,
        mergeableReason: 'conflict',
      }),
    );
    renderPage(api);
    const reason = await screen.findByTestId('merge-blocked-reason');
    expect(reason).toHaveTextContent('Cannot merge yet: conflicts with main.');
    expect(reason).toHaveTextContent(
      'close this one and make the change again on the current version',
    );
    expect(screen.getByRole('button', { name: 'Merge' })).toBeDisabled();
  });

  it('shows the diff once, though the description embeds it', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(
      aChangeDetail({
        description: `Opened from the portal.\n\n\`\`\`diff\n${JANE_DIFF}\`\`\`\n`,
      }),
    );
    renderPage(api);
    expect(
      await screen.findByText('Opened from the portal.'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('kind: Workspace', { exact: false }),
    ).toHaveLength(1);
  });

  it('shows a merged change as Failed with the last error of the sync', async () => {
    const api = mockGitopsApi();
    const merge = 'abcdef1234567890abcdef1234567890abcdef12';
    api.getChange.mockResolvedValue(
      aChangeDetail({ state: 'merged', mergeCommitSha: merge }),
    );
    api.getSyncStatus.mockResolvedValue([
      {
        repository: 'platform',
        target: 'directory',
        condition: 'Stalled',
        reason: 'ApplyFailed',
        revision: merge,
        lastError: 'Workspace/team-a/jane-dev: disk full',
        consecutiveFailures: 1,
        resources: [],
      },
    ]);
    renderPage(api);
    const status = await screen.findByTestId('change-sync-status');
    expect(status).toHaveTextContent('Failed');
    expect(status).toHaveTextContent('Workspace/team-a/jane-dev: disk full');
  });

  it('says when the repository of a merged change is not synced', async () => {
    const api = mockGitopsApi();
    api.getChange.mockResolvedValue(
      aChangeDetail({ state: 'merged', mergeCommitSha: 'f'.repeat(40) }),
    );
    api.getSyncStatus.mockResolvedValue(undefined);
    renderPage(api);
    expect(
      await screen.findByText(
        'Not synced: repository platform has no sync targets.',
      ),
    ).toBeInTheDocument();
  });

  it("disables Approve, Request changes, Merge and Close with the reason for a user the policy refuses on the change's file", async () => {
    const asked: Array<[string, string | undefined]> = [];
    const permission = mockApis.permission({
      authorize: request => {
        asked.push([
          request.permission.name,
          'resourceRef' in request ? request.resourceRef : undefined,
        ]);
        return AuthorizeResult.DENY;
      },
    });
    const api = mockGitopsApi();
    // a file of its own: usePermission keeps decisions per resourceRef across tests
    api.getChange.mockResolvedValue({
      ...mergeableChange(),
      paths: ['workspaces/team-a/jane-denied.yaml'],
    });
    renderPage(api, permission);

    for (const name of ['Approve', 'Request changes', 'Merge', 'Close']) {
      await waitFor(() =>
        expect(screen.getByRole('button', { name })).toBeDisabled(),
      );
    }
    // asked about the one file the change touches, as `<repository>:<path>`
    expect(asked).toEqual(
      expect.arrayContaining([
        ['gitops.change.review', 'platform:workspaces/team-a/jane-denied.yaml'],
        ['gitops.change.merge', 'platform:workspaces/team-a/jane-denied.yaml'],
        ['gitops.change.close', 'platform:workspaces/team-a/jane-denied.yaml'],
      ]),
    );
    fireEvent.mouseOver(
      screen.getByRole('button', { name: 'Merge' }).parentElement!,
    );
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You may not merge this change: that needs the admin role in the team that owns workspaces/team-a/jane-denied.yaml',
    );
    expect(api.merge).not.toHaveBeenCalled();
  });

  it('keeps the buttons of an allowed user usable, and refuses only what the policy refuses', async () => {
    // an admin who may review and close but, say, not merge
    const permission = mockApis.permission({
      authorize: request =>
        request.permission.name === 'gitops.change.merge'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    const api = mockGitopsApi();
    // another file than the other tests': usePermission keeps decisions per resourceRef
    api.getChange.mockResolvedValue({
      ...mergeableChange(),
      paths: ['workspaces/team-a/jane-test.yaml'],
    });
    renderPage(api, permission);

    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Merge' })).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Approve' })).toBeEnabled();
    expect(
      screen.getByRole('button', { name: 'Request changes' }),
    ).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Close' })).toBeEnabled();
  });

  it('names reviewers as the catalog does', () => {
    expect(reviewerName('user:default/guest')).toBe('guest');
    expect(reviewerName('user:ops/jane')).toBe('ops/jane');
    expect(reviewerName('group:default/team-a')).toBe('group:default/team-a');
    expect(reviewerName('octocat')).toBe('octocat');
  });
});
