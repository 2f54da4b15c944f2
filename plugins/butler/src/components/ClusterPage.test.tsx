import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import {
  FakeWebSocket,
  fakeTerminals,
} from '@butler-portal/plugin-terminal-react/testUtils';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  EXAMPLE_YAML,
  exampleFile,
  mockClustersApi,
} from '../__testUtils__/fixtures';
import { butlerClustersApiRef } from '../api';
import { changedLines } from '../lib/changes';
import { rootRouteRef } from '../routes';
import { ClusterPage } from './ClusterPage';

// xterm draws on a canvas jsdom does not have: the terminal library's stand-ins
jest.mock(
  '@xterm/xterm',
  () =>
    jest.requireActual('@butler-portal/plugin-terminal-react/testUtils')
      .xtermModule,
);
jest.mock(
  '@xterm/addon-fit',
  () =>
    jest.requireActual('@butler-portal/plugin-terminal-react/testUtils')
      .fitAddonModule,
);
jest.mock('@xterm/xterm/css/xterm.css', () => ({}), { virtual: true });

const POD_LIST = {
  cluster: 'team-a/team-a-dev',
  writable: true,
  truncated: false,
  limit: 200,
  pods: [
    {
      namespace: 'apps',
      name: 'web-0',
      phase: 'Running',
      containers: ['app', 'sidecar'],
      defaultContainer: 'app',
    },
    {
      namespace: 'kube-system',
      name: 'coredns-1',
      phase: 'Running',
      containers: ['coredns'],
      defaultContainer: 'coredns',
    },
  ],
};

/**
 * The terminal backend as the page reaches it through fetchApi: its answers by path, and the
 * requests it got.
 */
function terminalBackend(
  answers: Record<string, Array<{ status: number; body: unknown }>> = {
    pods: [{ status: 200, body: POD_LIST }],
    tickets: [{ status: 201, body: { ticket: 'T1' } }],
  },
) {
  const requests: Array<{ url: string; body?: unknown }> = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({
      url,
      ...(init?.body && { body: JSON.parse(String(init.body)) }),
    });
    const which = url.endsWith('/tickets') ? 'tickets' : 'pods';
    const queue = answers[which] ?? [];
    const answer = queue.length > 1 ? queue.shift()! : queue[0];
    return new Response(JSON.stringify(answer?.body ?? {}), {
      status: answer?.status ?? 404,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetch, requests };
}

function renderPage(
  clusters = mockClustersApi(),
  gitops = mockGitopsApi(),
  permission = mockApis.permission(),
  path = '/butler/team-a/team-a-dev',
  terminal = terminalBackend(),
) {
  gitops.getResource.mockResolvedValue(exampleFile());
  gitops.openChange.mockResolvedValue({
    id: 'platform:7',
    number: 7,
    repository: 'platform',
    branch: 'butler/scale',
    state: 'open',
  } as any);
  renderInTestApp(
    <Routes>
      <Route path="/butler/:namespace/:name" element={<ClusterPage />} />
    </Routes>,
    {
      apis: [
        [butlerClustersApiRef, clusters],
        [gitopsApiRef, gitops],
        [permissionApiRef, permission],
        [
          discoveryApiRef,
          {
            getBaseUrl: async (id: string) => `http://localhost:7007/api/${id}`,
          },
        ],
        [fetchApiRef, { fetch: terminal.fetch }],
      ],
      mountedRoutes: { '/butler': rootRouteRef },
      initialRouteEntries: [path],
    },
  );
  return { clusters, gitops };
}

describe('ClusterPage', () => {
  it('shows overview, conditions, nodes, addons and the file in Git', async () => {
    renderPage();
    expect(
      await screen.findByText('ClusterReady', { exact: false }),
    ).toBeInTheDocument();
    expect(screen.getByText('team-a-dev-worker-2')).toBeInTheDocument();
    expect(
      screen.getByText(/cert-manager: Installed, installed v1.16.2/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /platform: tenant-clusters\/team-a\/team-a-dev.yaml/,
      ),
    ).toBeInTheDocument();
  });

  it('scales the workers as a change request editing one line', async () => {
    const { gitops } = renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Scale workers' }),
    );
    fireEvent.change(screen.getByLabelText('Workers'), {
      target: { value: '5' },
    });
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() => expect(gitops.openChange).toHaveBeenCalledTimes(1));
    const [request] = gitops.openChange.mock.calls[0];
    expect(request).toMatchObject({
      operation: 'update',
      kind: 'TenantCluster',
      namespace: 'team-a',
      name: 'team-a-dev',
      baseRevision: 'c0ffee0000000000000000000000000000000000',
      title: 'Scale team-a/team-a-dev to 5 workers',
    });
    expect(changedLines(EXAMPLE_YAML, request.yaml!)).toBe(1);
    expect(await screen.findByText(/is open for review/)).toBeInTheDocument();
  });

  it("refuses before submit a scale beyond the team's limit, naming it", async () => {
    const { gitops } = renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Scale workers' }),
    );
    fireEvent.change(screen.getByLabelText('Workers'), {
      target: { value: '7' },
    });
    expect(
      await screen.findByText(
        "7 workers exceed team team-a's maxNodesPerCluster of 6",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Open change request' }),
    ).toBeDisabled();
    expect(gitops.openChange).not.toHaveBeenCalled();
  });

  it('refuses an upgrade to a version the team does not allow, and deletes by deleting the file', async () => {
    const { gitops } = renderPage();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    );
    fireEvent.change(screen.getByLabelText('Kubernetes version'), {
      target: { value: 'v1.33.0' },
    });
    expect(
      await screen.findByText(
        /Kubernetes v1.33.0 is not allowed for team team-a/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(
      screen.getByRole('button', { name: 'Open change request' }),
    );
    await waitFor(() => expect(gitops.openChange).toHaveBeenCalledTimes(1));
    expect(gitops.openChange.mock.calls[0][0]).toMatchObject({
      operation: 'delete',
      kind: 'TenantCluster',
      namespace: 'team-a',
      name: 'team-a-dev',
    });
    expect(gitops.openChange.mock.calls[0][0].yaml).toBeUndefined();
  });

  it('offers the kubeconfig download to those the policy allows for this cluster, and only them', async () => {
    const asked: unknown[] = [];
    const clusters = mockClustersApi();
    const createObjectURL = jest.fn(() => 'blob:kubeconfig');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    renderPage(
      clusters,
      mockGitopsApi(),
      mockApis.permission({
        authorize: request => {
          asked.push(request);
          return AuthorizeResult.ALLOW;
        },
      }),
      // a cluster no other test opens: usePermission keeps a decision per resourceRef for a
      // while across renders, so the default path's would be answered from the earlier tests'
      '/butler/team-a/team-a-ops',
    );
    fireEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Download kubeconfig' },
        // shown once the live cluster and the decision are in (a slow test machine)
        { timeout: 10_000 },
      ),
    );
    await waitFor(() => expect(revokeObjectURL).toHaveBeenCalled());
    expect(clusters.downloadKubeconfig).toHaveBeenCalledWith({
      namespace: 'team-a',
      name: 'team-a-ops',
    });
    expect(asked).toContainEqual(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'butler.cluster.kubeconfig',
        }),
        resourceRef: 'team-a/team-a-ops',
      }),
    );
  });

  it('shows no kubeconfig button when the policy refuses it (a viewer, another team)', async () => {
    const asked: unknown[] = [];
    renderPage(
      mockClustersApi(),
      mockGitopsApi(),
      mockApis.permission({
        authorize: request => {
          asked.push(request);
          return AuthorizeResult.DENY;
        },
      }),
      // another cluster: usePermission keeps decisions per resourceRef across renders
      '/butler/team-b/team-b-dev',
    );
    expect(
      await screen.findByRole('button', { name: 'Scale workers' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('team-a-dev-worker-2')).toBeInTheDocument();
    // the decision was asked and answered before the page is looked at
    await waitFor(() => expect(asked.length).toBeGreaterThan(0));
    await new Promise(r => setTimeout(r, 100));
    expect(
      screen.queryByRole('button', { name: 'Download kubeconfig' }),
    ).not.toBeInTheDocument();
  });

  it('says why when the download is refused', async () => {
    const clusters = mockClustersApi();
    clusters.downloadKubeconfig.mockRejectedValue(
      new Error(
        'TenantCluster team-a/team-a-dev has no kubeconfig yet: status.kubeconfigSecretRef is not set',
      ),
    );
    renderPage(clusters);
    fireEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Download kubeconfig' },
        // shown once the live cluster and the decision are in (a slow test machine)
        { timeout: 10_000 },
      ),
    );
    expect(
      await screen.findByText(
        /Kubeconfig not downloaded: .*kubeconfigSecretRef is not set/,
      ),
    ).toBeInTheDocument();
  });
});

describe('ClusterPage terminal', () => {
  const original = globalThis.WebSocket;
  beforeAll(() => {
    (globalThis as any).WebSocket = FakeWebSocket;
  });
  afterAll(() => {
    (globalThis as any).WebSocket = original;
  });
  beforeEach(() => {
    FakeWebSocket.all.length = 0;
  });

  /**
   * The policy: butler.cluster.terminal and .write as given. Each test opens a cluster path of its
   * own: usePermission keeps decisions per resourceRef across renders.
   */
  const policy = (allowed: { terminal: boolean; write?: boolean }) => {
    const asked: any[] = [];
    const permission = mockApis.permission({
      authorize: request => {
        asked.push(request);
        const name = (request as any).permission.name;
        if (name === 'butler.cluster.terminal')
          return allowed.terminal
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY;
        if (name === 'butler.cluster.terminal.write')
          return allowed.write ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
        return AuthorizeResult.ALLOW;
      },
    });
    return { permission, asked };
  };

  it('lets a team admin pick a pod and a container and opens the terminal into it', async () => {
    const terminal = terminalBackend();
    const { permission, asked } = policy({ terminal: true, write: true });
    renderPage(
      mockClustersApi(),
      mockGitopsApi(),
      permission,
      '/butler/team-a/writer-dev',
      terminal,
    );
    const podPicker = await screen.findByLabelText('Pod', undefined, {
      timeout: 10_000,
    });
    expect(asked).toContainEqual(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'butler.cluster.terminal',
        }),
        resourceRef: 'team-a/writer-dev',
      }),
    );
    expect(terminal.requests[0].url).toBe(
      'http://localhost:7007/api/terminal/clusters/team-a/writer-dev/pods?limit=200',
    );
    expect(
      await screen.findByRole('option', { name: 'apps/web-0 (Running)' }),
    ).toBeInTheDocument();
    // two containers: the pod's default one is picked, another may be
    await waitFor(() =>
      expect(screen.getByLabelText('Container')).toHaveValue('app'),
    );
    fireEvent.change(screen.getByLabelText('Container'), {
      target: { value: 'sidecar' },
    });
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Open terminal' }));
    await waitFor(() => expect(FakeWebSocket.all).toHaveLength(1));
    expect(terminal.requests.find(r => r.url.endsWith('/tickets'))).toEqual({
      url: 'http://localhost:7007/api/terminal/tickets',
      body: {
        kind: 'cluster',
        namespace: 'team-a',
        name: 'writer-dev',
        pod: { namespace: 'apps', name: 'web-0', container: 'sidecar' },
      },
    });
    const ws = FakeWebSocket.all[0];
    act(() => {
      ws.open();
      ws.grant('read-write');
    });
    const term = fakeTerminals[fakeTerminals.length - 1];
    // the keystrokes are wired once the connection is in
    await waitFor(() => expect(term.dataListeners).toHaveLength(1));
    term.type('echo hello\r');
    expect(new TextDecoder().decode(ws.sent[1] as Uint8Array)).toBe(
      'echo hello\r',
    );
    // a pod of one container has no container picker; the terminal opens in it
    fireEvent.change(podPicker, { target: { value: 'kube-system/coredns-1' } });
    expect(screen.queryByLabelText('Container')).not.toBeInTheDocument();
    expect(ws.closed).toBe(true);
  });

  it('tells a viewer before opening that the session is read-only', async () => {
    const terminal = terminalBackend({
      pods: [{ status: 200, body: { ...POD_LIST, writable: false } }],
      tickets: [{ status: 201, body: { ticket: 'T2' } }],
    });
    const { permission } = policy({ terminal: true, write: false });
    renderPage(
      mockClustersApi(),
      mockGitopsApi(),
      permission,
      '/butler/team-a/viewer-dev',
      terminal,
    );
    expect(
      await screen.findByRole('status', undefined, { timeout: 10_000 }),
    ).toHaveTextContent(
      "Read-only: your role in the cluster's team is viewer. You can watch a session; what you type is not sent.",
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open terminal' }));
    await waitFor(() => expect(FakeWebSocket.all).toHaveLength(1));
    act(() => {
      FakeWebSocket.all[0].open();
      FakeWebSocket.all[0].grant('read-only');
    });
    expect(
      await screen.findByText(
        "Read-only: you can watch this session; what you type is not sent (your role in the cluster's team is viewer).",
      ),
    ).toBeInTheDocument();
  });

  it('offers no terminal to a user the policy refuses (another team), and lists no pods', async () => {
    const terminal = terminalBackend();
    const { permission, asked } = policy({ terminal: false });
    renderPage(
      mockClustersApi(),
      mockGitopsApi(),
      permission,
      // a cluster of its own: usePermission keeps decisions per resourceRef across tests
      '/butler/team-b/refused-dev',
      terminal,
    );
    expect(
      await screen.findByRole('button', { name: 'Scale workers' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(asked).toContainEqual(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'butler.cluster.terminal',
          }),
          resourceRef: 'team-b/refused-dev',
        }),
      ),
    );
    await new Promise(r => setTimeout(r, 100));
    expect(screen.queryByText('Terminal')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Open terminal' }),
    ).not.toBeInTheDocument();
    expect(terminal.requests).toEqual([]);
  });

  it("shows the backend's reason when the pods are not listed, and retries", async () => {
    const terminal = terminalBackend({
      pods: [
        {
          status: 503,
          body: {
            error: {
              name: 'ServiceUnavailableError',
              message:
                'TenantCluster team-a/team-a-dev cannot be reached: listing its pods failed: connect ECONNREFUSED',
            },
            response: { statusCode: 503 },
          },
        },
        { status: 200, body: { ...POD_LIST, pods: [] } },
      ],
    });
    const { permission } = policy({ terminal: true, write: true });
    renderPage(
      mockClustersApi(),
      mockGitopsApi(),
      permission,
      '/butler/team-a/unreachable-dev',
      terminal,
    );
    expect(
      await screen.findByRole('alert', undefined, { timeout: 10_000 }),
    ).toHaveTextContent(
      'Pods not listed: TenantCluster team-a/team-a-dev cannot be reached: listing its pods failed: connect ECONNREFUSED',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText(
        'No pods run in this cluster yet: there is nothing to open a terminal into.',
      ),
    ).toBeInTheDocument();
    expect(terminal.requests.filter(r => r.url.includes('/pods'))).toHaveLength(
      2,
    );
  });
});
