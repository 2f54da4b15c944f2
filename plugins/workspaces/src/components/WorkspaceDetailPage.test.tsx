import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  gitopsApiRef,
  rootRouteRef as changesRouteRef,
} from '@butler-portal/plugin-gitops-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { LiveWorkspace } from '@butler-portal/plugin-butler-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  aChange,
  aTemplate,
  janeDevDetail,
  JANE_DEV_YAML,
  mockGitopsApi,
  mockRuntimeApi,
  REVISION,
  UNAVAILABLE_REASON,
} from '../__testUtils__/fixtures';
import { butlerRuntimeApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { WorkspaceDetailPage } from './WorkspaceDetailPage';

const opened = {
  id: 'platform:13',
  number: 13,
  repository: 'platform',
  branch: 'butler/workspace/jane-dev/edit',
  state: 'open' as const,
};

function renderPage(
  gitopsApi = mockGitopsApi(),
  runtimeApi = mockRuntimeApi(),
  permission = mockApis.permission(),
) {
  renderInTestApp(<WorkspaceDetailPage />, {
    apis: [
      [gitopsApiRef, gitopsApi],
      [butlerRuntimeApiRef, runtimeApi],
      [permissionApiRef, permission],
      mockApis.alert(),
    ],
    mountedRoutes: { '/workspaces': rootRouteRef, '/changes': changesRouteRef },
    mountPath: '/workspaces/:namespace/:name',
    initialRouteEntries: ['/workspaces/team-a/jane-dev'],
  });
  return { gitopsApi, runtimeApi };
}

/** Lines of `after` that are not the same line of `before` (same length: edits in place). */
function changedLines(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  return b
    .map((line, i) => ({ line: i + 1, before: a[i], after: line }))
    .filter(l => l.before !== l.after);
}

describe('WorkspaceDetailPage', () => {
  it('edits by change request: one changed field is one changed line, based on the read revision', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(janeDevDetail());
    gitopsApi.openChange.mockResolvedValue(opened);
    renderPage(gitopsApi);

    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Edit team-a/jane-dev',
    });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Memory' }), {
      target: { value: '16Gi' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    );

    await waitFor(() => expect(gitopsApi.openChange).toHaveBeenCalledTimes(1));
    const [request, options] = gitopsApi.openChange.mock.calls[0];
    expect(request).toEqual({
      operation: 'update',
      kind: 'Workspace',
      namespace: 'team-a',
      name: 'jane-dev',
      yaml: expect.any(String),
      baseRevision: REVISION,
      title: 'Update workspace team-a/jane-dev',
      description: 'Changes spec.resources.memory, from the portal.',
    });
    expect(options).toEqual({ idempotencyKey: expect.any(String) });
    expect(request.yaml!.split('\n')).toHaveLength(
      JANE_DEV_YAML.split('\n').length,
    );
    expect(changedLines(JANE_DEV_YAML, request.yaml!)).toEqual([
      { line: 16, before: '    memory: 8Gi', after: '    memory: 16Gi' },
    ]);
    const notice = await screen.findByRole('status', {
      name: 'Change request opened',
    });
    expect(within(notice).getByRole('link', { name: '#13' })).toHaveAttribute(
      'href',
      '/changes/platform%3A13',
    );
  });

  it('shows an invalid edit at the field and does not send it', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(janeDevDetail());
    renderPage(gitopsApi);

    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const cpu = within(dialog).getByRole('textbox', { name: 'CPU' });
    fireEvent.change(cpu, { target: { value: 'two' } });

    expect(cpu).toHaveAccessibleDescription(/^"two" is not valid/);
    expect(
      within(dialog).getByRole('button', { name: 'Open change request' }),
    ).toBeDisabled();
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
  });

  it("holds an edit to the template's limits", async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(janeDevDetail());
    gitopsApi.listResources.mockResolvedValue([aTemplate()]);
    renderPage(gitopsApi);

    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const memory = within(dialog).getByRole('textbox', { name: 'Memory' });
    fireEvent.change(memory, { target: { value: '32Gi' } });
    await waitFor(() =>
      expect(memory).toHaveAccessibleDescription(
        'at most 16Gi with template Go backend',
      ),
    );
    fireEvent.change(memory, { target: { value: '16Gi' } });
    expect(memory).toHaveAttribute('aria-invalid', 'false');
  });

  it('deletes after confirmation, by change request', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(janeDevDetail());
    gitopsApi.openChange.mockResolvedValue({
      ...opened,
      number: 14,
      id: 'platform:14',
    });
    renderPage(gitopsApi);

    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete team-a/jane-dev?',
    });
    expect(gitopsApi.openChange).not.toHaveBeenCalled();
    fireEvent.click(
      within(dialog).getByRole('button', {
        name: 'Open delete change request',
      }),
    );

    expect(
      await screen.findByText(/Deletion of team-a\/jane-dev requested/),
    ).toBeInTheDocument();
    expect(gitopsApi.openChange).toHaveBeenCalledWith(
      {
        operation: 'delete',
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'jane-dev',
        baseRevision: REVISION,
        title: 'Delete workspace team-a/jane-dev',
        description: expect.any(String),
      },
      { idempotencyKey: expect.any(String) },
    );
  });

  it('without a management cluster: says so, and start/stop are disabled with the reason', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(janeDevDetail());
    const { runtimeApi } = renderPage(gitopsApi);

    expect(
      await screen.findByRole('status', { name: 'Runtime unavailable' }),
    ).toHaveTextContent(UNAVAILABLE_REASON);
    expect(screen.getByRole('button', { name: 'Start' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeDisabled();
    fireEvent.mouseOver(screen.getByLabelText('Start unavailable'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      UNAVAILABLE_REASON,
    );
    expect(screen.getByText('unavailable')).toBeInTheDocument();
    expect(runtimeApi.getWorkspace).not.toHaveBeenCalled();
    // connect still works: the alias does not need the cluster
    expect(
      screen.getByRole('link', { name: 'Open in VS Code' }),
    ).toHaveAttribute(
      'href',
      'vscode://vscode-remote/ssh-remote+jane-dev.team-a.butler/workspace/api',
    );
  });

  it('with a management cluster: shows the phase and endpoint, and starts the workspace', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(janeDevDetail());
    const runtimeApi = mockRuntimeApi([
      {
        namespace: 'team-a',
        name: 'jane-dev',
        exists: true,
        phase: 'Stopped',
        conditions: [],
        sshEndpoint: '10.0.4.17:30022',
      },
    ]);
    renderPage(gitopsApi, runtimeApi);

    expect(await screen.findByText('Stopped')).toBeInTheDocument();
    expect(screen.getByLabelText('SSH config')).toHaveTextContent(
      'Host jane-dev.team-a.butler HostName 10.0.4.17 Port 30022 User dev',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() =>
      expect(runtimeApi.start).toHaveBeenCalledWith({
        namespace: 'team-a',
        name: 'jane-dev',
      }),
    );
  });

  // a workspace of its own per test: usePermission keeps a decision per permission and
  // resourceRef (SWR) across renders of the same test file
  const running = (name: string): LiveWorkspace => ({
    namespace: 'team-a',
    name,
    exists: true,
    phase: 'Running',
    conditions: [],
  });

  it('offers start, stop and the terminal to a user the policy allows for this workspace', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(
      janeDevDetail({ name: 'jane-allowed' }),
    );
    const runtimeApi = mockRuntimeApi([running('jane-allowed')]);
    const asked: unknown[] = [];
    renderPage(
      gitopsApi,
      runtimeApi,
      mockApis.permission({
        authorize: request => {
          asked.push(request);
          return AuthorizeResult.ALLOW;
        },
      }),
    );

    expect(await screen.findByText('Running')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Stop' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Start' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Open terminal' })).toBeEnabled();
    // asked with the workspace, so that the policy decides by its owner and team
    for (const name of [
      'butler.workspace.operate',
      'butler.workspace.terminal',
    ]) {
      expect(asked).toContainEqual(
        expect.objectContaining({
          permission: expect.objectContaining({ name }),
          resourceRef: 'team-a/jane-allowed',
        }),
      );
    }
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await waitFor(() =>
      expect(runtimeApi.stop).toHaveBeenCalledWith({
        namespace: 'team-a',
        name: 'jane-allowed',
      }),
    );
  });

  it('disables start, stop and the terminal, saying why, for a user the policy refuses', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(
      janeDevDetail({ name: 'jane-refused' }),
    );
    const runtimeApi = mockRuntimeApi([running('jane-refused')]);
    renderPage(
      gitopsApi,
      runtimeApi,
      mockApis.permission({ authorize: AuthorizeResult.DENY }),
    );

    expect(await screen.findByText('Running')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByLabelText('Stop unavailable')).toBeInTheDocument(),
    );
    expect(screen.getByRole('button', { name: 'Start' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeDisabled();
    fireEvent.mouseOver(screen.getByLabelText('Start unavailable'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You may not start or stop team-a/jane-refused: only its owner and the admins and operators of its team may (butler.workspace.operate)',
    );
    expect(
      screen.getByRole('button', { name: 'Open terminal' }),
    ).toBeDisabled();
    expect(screen.getByLabelText('Open terminal unavailable')).toHaveAttribute(
      'title',
      'You may not open a terminal into team-a/jane-refused: only its owner and the members of its team may (butler.workspace.terminal)',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(runtimeApi.start).not.toHaveBeenCalled();
  });

  it('shows a workspace that only a change request adds yet', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockRejectedValue(
      Object.assign(new Error('not found'), { statusCode: 404 }),
    );
    gitopsApi.listChanges.mockResolvedValue([
      aChange({
        resources: [
          {
            kind: 'Workspace',
            namespace: 'team-a',
            name: 'jane-dev',
            operation: 'create',
          },
        ],
      }),
      aChange({ id: 'platform:2', number: 2 }),
    ]);
    renderPage(gitopsApi);

    expect(await screen.findByText('Not in Git yet')).toBeInTheDocument();
    const list = screen.getByRole('list', {
      name: 'Pending changes of team-a/jane-dev',
    });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(
      within(list).getByRole('link', { name: /#12 create/ }),
    ).toHaveAttribute('href', 'https://github.example/acme/platform/pull/12');
  });
});
