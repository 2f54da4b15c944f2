import {
  TERMINAL_PROTOCOL,
  describeClose,
  openTerminal,
} from './terminalConnection';

class FakeSocket {
  static last: FakeSocket;
  binaryType = 'blob';
  readyState = 0;
  sent: Array<string | Uint8Array> = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string, readonly protocols: string[]) {
    FakeSocket.last = this;
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
}

function apis(response: { status: number; body: unknown }) {
  const fetch = jest.fn(
    async () =>
      new Response(JSON.stringify(response.body), {
        status: response.status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  return {
    fetch,
    discoveryApi: {
      getBaseUrl: async () => 'https://portal.example.com/api/terminal',
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  };
}

describe('openTerminal', () => {
  it('asks a ticket over HTTPS and passes it as a subprotocol, never in the URL', async () => {
    const a = apis({
      status: 201,
      body: { ticket: 'T1', protocol: TERMINAL_PROTOCOL },
    });
    const output: string[] = [];
    const closes: string[] = [];
    const conn = await openTerminal({
      ...a,
      target: { kind: 'workspace', namespace: 'team-a', name: 'alice-dev' },
      handlers: {
        onOutput: d => output.push(new TextDecoder().decode(d)),
        onClose: m => closes.push(m),
      },
      WebSocketImpl: FakeSocket as any,
    });
    expect(a.fetch).toHaveBeenCalledWith(
      'https://portal.example.com/api/terminal/tickets',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          kind: 'workspace',
          namespace: 'team-a',
          name: 'alice-dev',
        }),
      },
    );
    const ws = FakeSocket.last;
    expect(ws.url).toBe('wss://portal.example.com/api/terminal/connect');
    expect(ws.protocols).toEqual([TERMINAL_PROTOCOL, 'ticket.T1']);
    expect(ws.binaryType).toBe('arraybuffer');

    // a resize before the socket opens is sent when it does; keystrokes wait for it too
    conn.resize(120, 40);
    conn.send('lost');
    expect(ws.sent).toEqual([]);
    ws.open();
    conn.send('echo hello\r');
    expect(ws.sent[0]).toBe(
      JSON.stringify({ type: 'resize', cols: 120, rows: 40 }),
    );
    expect(new TextDecoder().decode(ws.sent[1] as Uint8Array)).toBe(
      'echo hello\r',
    );

    ws.onmessage!({
      data: JSON.stringify({ type: 'session', mode: 'read-only' }),
    });
    await expect(conn.mode).resolves.toBe('read-only');
    ws.onmessage!({ data: new TextEncoder().encode('hello\r\n').buffer });
    expect(output).toEqual(['hello\r\n']);
    ws.onclose!({ code: 4000, reason: 'idle-timeout' });
    expect(closes).toEqual([
      'The terminal was closed after a period without activity.',
    ]);
    conn.close();
    expect(ws.closed).toBe(true);
  });

  it("throws the server's reason when the ticket is refused", async () => {
    const a = apis({
      status: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message:
            'user:default/bob is not allowed butler.workspace.terminal on workspace team-a/alice-dev',
        },
        response: { statusCode: 403 },
      },
    });
    await expect(
      openTerminal({
        ...a,
        target: { kind: 'workspace', namespace: 'team-a', name: 'alice-dev' },
        handlers: { onOutput: () => {}, onClose: () => {} },
        WebSocketImpl: FakeSocket as any,
      }),
    ).rejects.toThrow(
      'user:default/bob is not allowed butler.workspace.terminal on workspace team-a/alice-dev',
    );
  });

  it('asks the ticket of a pod of a tenant cluster with the pod and container', async () => {
    const a = apis({ status: 201, body: { ticket: 'T2' } });
    await openTerminal({
      ...a,
      target: {
        kind: 'cluster',
        namespace: 'team-a',
        name: 'dev',
        pod: { namespace: 'apps', name: 'web-0', container: 'sidecar' },
      },
      handlers: { onOutput: () => {}, onClose: () => {} },
      WebSocketImpl: FakeSocket as any,
    });
    expect(JSON.parse((a.fetch.mock.calls[0] as any)[1].body)).toEqual({
      kind: 'cluster',
      namespace: 'team-a',
      name: 'dev',
      pod: { namespace: 'apps', name: 'web-0', container: 'sidecar' },
    });
    expect(FakeSocket.last.protocols).toEqual([TERMINAL_PROTOCOL, 'ticket.T2']);
  });

  it('says why a session ended', () => {
    expect(describeClose(4001, 'max-session')).toBe(
      'The terminal reached its maximum session length.',
    );
    expect(describeClose(1006, '')).toBe('The connection closed (1006).');
  });
});
