import { renderInTestApp } from '@backstage/frontend-test-utils';
import { discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { act, screen, waitFor } from '@testing-library/react';
import { WorkspaceTerminal } from './WorkspaceTerminal';

// xterm draws on a canvas and asks matchMedia, neither of which jsdom has: a stand-in that
// records what is written and lets the test type, so the wiring around it is what is tested
const terminals: any[] = [];
jest.mock('@xterm/xterm', () => ({
  Terminal: class {
    cols = 100;
    rows = 30;
    written: string[] = [];
    dataListeners: Array<(d: string) => void> = [];
    disposed = false;
    constructor() {
      terminals.push(this);
    }
    loadAddon() {}
    open() {}
    focus() {}
    write(d: Uint8Array) {
      this.written.push(new TextDecoder().decode(d));
    }
    onData(f: (d: string) => void) {
      this.dataListeners.push(f);
    }
    onResize() {}
    dispose() {
      this.disposed = true;
    }
  },
}));
jest.mock('@xterm/addon-fit', () => ({
  FitAddon: class {
    fit() {}
  },
}));
jest.mock('@xterm/xterm/css/xterm.css', () => ({}), { virtual: true });

class FakeSocket {
  static all: FakeSocket[] = [];
  binaryType = 'blob';
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string, readonly protocols: string[]) {
    FakeSocket.all.push(this);
  }
  send(d: unknown) {
    this.sent.push(d);
  }
  close() {
    this.closed = true;
  }
}

const apis = (status: number, body: unknown) =>
  [
    [
      discoveryApiRef,
      { getBaseUrl: async () => 'http://localhost:7007/api/terminal' },
    ],
    [
      fetchApiRef,
      {
        fetch: async () =>
          new Response(JSON.stringify(body), {
            status,
            headers: { 'Content-Type': 'application/json' },
          }),
      },
    ],
  ] as any;

describe('WorkspaceTerminal', () => {
  const original = globalThis.WebSocket;
  beforeAll(() => {
    (globalThis as any).WebSocket = FakeSocket;
  });
  afterAll(() => {
    (globalThis as any).WebSocket = original;
  });

  it('connects with a ticket, says when the session is read-only and why it ended', async () => {
    const { unmount } = await renderInTestApp(
      <WorkspaceTerminal namespace="team-a" name="alice-dev" />,
      { apis: apis(201, { ticket: 'T1' }) },
    );
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.all[0];
    expect(ws.protocols).toEqual(['butler.terminal.v1', 'ticket.T1']);
    // the terminal's size is sent once the socket opens; keystrokes and output flow through
    ws.readyState = 1;
    ws.onopen!();
    expect(ws.sent[0]).toBe(
      JSON.stringify({ type: 'resize', cols: 100, rows: 30 }),
    );
    const term = terminals[terminals.length - 1];
    term.dataListeners.forEach((f: (d: string) => void) => f('ls\r'));
    expect(new TextDecoder().decode(ws.sent[1] as Uint8Array)).toBe('ls\r');
    ws.onmessage!({ data: new TextEncoder().encode('file.txt\r\n').buffer });
    expect(term.written).toEqual(['file.txt\r\n']);
    act(() =>
      ws.onmessage!({
        data: JSON.stringify({ type: 'session', mode: 'read-only' }),
      }),
    );
    expect(
      await screen.findByText(/^Read-only: you can watch this session/),
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

  it("shows the server's reason when the terminal is refused", async () => {
    await renderInTestApp(
      <WorkspaceTerminal namespace="team-a" name="alice-dev" />,
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
  });
});
