import { renderInTestApp } from '@backstage/frontend-test-utils';
import { discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { act, screen, waitFor } from '@testing-library/react';
import { FakeWebSocket, fakeTerminals } from '../__testUtils__';
import { TerminalView } from './TerminalView';

// xterm draws on a canvas and asks matchMedia, neither of which jsdom has: a stand-in that
// records what is written and lets the test type, so the wiring around it is what is tested
jest.mock(
  '@xterm/xterm',
  () => jest.requireActual('../__testUtils__').xtermModule,
);
jest.mock(
  '@xterm/addon-fit',
  () => jest.requireActual('../__testUtils__').fitAddonModule,
);
jest.mock('@xterm/xterm/css/xterm.css', () => ({}), { virtual: true });

const apis = (status: number, body: unknown, asked: unknown[] = []) =>
  [
    [
      discoveryApiRef,
      { getBaseUrl: async () => 'http://localhost:7007/api/terminal' },
    ],
    [
      fetchApiRef,
      {
        fetch: async (url: string, init: RequestInit) => {
          asked.push({ url, body: JSON.parse(String(init.body)) });
          return new Response(JSON.stringify(body), {
            status,
            headers: { 'Content-Type': 'application/json' },
          });
        },
      },
    ],
  ] as any;

describe('TerminalView', () => {
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

  it('connects with a ticket, says when the session is read-only and why it ended', async () => {
    const { unmount } = await renderInTestApp(
      <TerminalView
        target={{ kind: 'workspace', namespace: 'team-a', name: 'alice-dev' }}
        readOnlyReason="your role in the workspace's team is viewer"
      />,
      { apis: apis(201, { ticket: 'T1' }) },
    );
    await waitFor(() => expect(FakeWebSocket.all).toHaveLength(1));
    const ws = FakeWebSocket.all[0];
    expect(ws.protocols).toEqual(['butler.terminal.v1', 'ticket.T1']);
    // the terminal's size is sent once the socket opens; keystrokes and output flow through
    ws.open();
    expect(ws.sent[0]).toBe(
      JSON.stringify({ type: 'resize', cols: 100, rows: 30 }),
    );
    const term = fakeTerminals[fakeTerminals.length - 1];
    term.type('ls\r');
    expect(new TextDecoder().decode(ws.sent[1] as Uint8Array)).toBe('ls\r');
    ws.onmessage!({ data: new TextEncoder().encode('file.txt\r\n').buffer });
    expect(term.written).toEqual(['file.txt\r\n']);
    act(() => ws.grant('read-only'));
    expect(
      await screen.findByText(
        "Read-only: you can watch this session; what you type is not sent (your role in the workspace's team is viewer).",
      ),
    ).toBeInTheDocument();
    act(() => ws.onclose!({ code: 4001, reason: 'max-session' }));
    expect(
      await screen.findByText(
        'The terminal reached its maximum session length.',
      ),
    ).toBeInTheDocument();
    unmount();
    expect(ws.closed).toBe(true);
    expect(term.disposed).toBe(true);
  });

  it('opens a pod of a tenant cluster, labelled with the pod and container', async () => {
    const asked: any[] = [];
    await renderInTestApp(
      <TerminalView
        target={{
          kind: 'cluster',
          namespace: 'team-a',
          name: 'dev',
          pod: { namespace: 'apps', name: 'web-0', container: 'app' },
        }}
      />,
      { apis: apis(201, { ticket: 'T2' }, asked) },
    );
    await waitFor(() => expect(FakeWebSocket.all).toHaveLength(1));
    expect(asked[0]).toEqual({
      url: 'http://localhost:7007/api/terminal/tickets',
      body: {
        kind: 'cluster',
        namespace: 'team-a',
        name: 'dev',
        pod: { namespace: 'apps', name: 'web-0', container: 'app' },
      },
    });
    expect(
      screen.getByLabelText('Terminal of team-a/dev: apps/web-0 (app)'),
    ).toBeInTheDocument();
    await act(async () => {
      FakeWebSocket.all[0].grant('read-write');
      await new Promise(r => setTimeout(r, 50));
    });
    expect(screen.queryByText(/^Read-only/)).not.toBeInTheDocument();
  });

  it("shows the server's reason when the terminal is refused", async () => {
    await renderInTestApp(
      <TerminalView
        target={{ kind: 'workspace', namespace: 'team-a', name: 'alice-dev' }}
      />,
      {
        apis: apis(403, {
          error: {
            name: 'NotAllowedError',
            message:
              'user:default/bob is not allowed butler.workspace.terminal on workspace team-a/alice-dev',
          },
          response: { statusCode: 403 },
        }),
      },
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'user:default/bob is not allowed butler.workspace.terminal on workspace team-a/alice-dev',
    );
    expect(FakeWebSocket.all).toHaveLength(0);
  });
});
