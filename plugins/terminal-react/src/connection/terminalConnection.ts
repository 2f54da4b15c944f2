/*
 * The browser side of the terminal (plugins/terminal-backend/README.md), into a workspace's pod
 * or a pod of a tenant cluster: a single-use ticket over HTTPS with the user's Backstage identity
 * (fetchApi adds it), then the WebSocket with the ticket in its subprotocols, never in the URL.
 * The browser sets Origin itself. Keystrokes go as binary frames, resizes as JSON text frames;
 * output comes back as binary.
 */
import { ResponseError } from '@backstage/errors';

export const TERMINAL_PROTOCOL = 'butler.terminal.v1';

/** A refusal of the terminal backend, its message the server's reason (who, what, which object). */
export async function terminalResponseError(
  response: Response,
): Promise<ResponseError> {
  const error = await ResponseError.fromResponse(response);
  if (error.cause?.message) error.message = error.cause.message;
  return error;
}

export type TerminalMode = 'read-write' | 'read-only';

/** Where a terminal goes: the body of POST /api/terminal/tickets. */
export type TerminalTarget =
  /** a workspace's pod, <namespace>/<name> of the Workspace */
  | { kind: 'workspace'; namespace: string; name: string }
  /** a pod of the tenant cluster <namespace>/<name>; the pod's default container when none */
  | {
      kind: 'cluster';
      namespace: string;
      name: string;
      pod: { namespace: string; name: string; container?: string };
    };

/** The target in words, e.g. for a label: `team-a/dev: apps/web-0 (app)`. */
export function describeTarget(target: TerminalTarget): string {
  const ref = `${target.namespace}/${target.name}`;
  if (target.kind === 'workspace') return ref;
  const { pod } = target;
  return `${ref}: ${pod.namespace}/${pod.name}${
    pod.container ? ` (${pod.container})` : ''
  }`;
}

/** Why a session ended, in words for the page (close codes of the terminal backend). */
export function describeClose(code: number, reason: string): string {
  switch (code) {
    case 4000:
      return 'The terminal was closed after a period without activity.';
    case 4001:
      return 'The terminal reached its maximum session length.';
    case 4002:
      return 'The connection stopped answering and was closed.';
    case 4003:
      return `The terminal could not be started${reason ? `: ${reason}` : ''}.`;
    case 1000:
      return 'The session ended.';
    default:
      return `The connection closed (${code}${reason ? `: ${reason}` : ''}).`;
  }
}

export interface TerminalConnection {
  /** what the backend granted: read-only sessions drop keystrokes */
  mode: Promise<TerminalMode>;
  send(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

export interface TerminalHandlers {
  onOutput(data: Uint8Array): void;
  onClose(message: string): void;
}

type WebSocketLike = {
  binaryType: string;
  readyState: number;
  send(data: string | ArrayBufferLike | Uint8Array): void;
  close(): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
};

export async function openTerminal(options: {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
  target: TerminalTarget;
  handlers: TerminalHandlers;
  /** for tests */
  WebSocketImpl?: new (url: string, protocols: string[]) => WebSocketLike;
}): Promise<TerminalConnection> {
  const base = await options.discoveryApi.getBaseUrl('terminal');
  const response = await options.fetchApi.fetch(`${base}/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(options.target),
  });
  if (!response.ok) throw await terminalResponseError(response);
  const { ticket } = (await response.json()) as { ticket: string };
  const Impl =
    options.WebSocketImpl ??
    (WebSocket as unknown as new (
      url: string,
      protocols: string[],
    ) => WebSocketLike);
  const ws = new Impl(`${base.replace(/^http/, 'ws')}/connect`, [
    TERMINAL_PROTOCOL,
    `ticket.${ticket}`,
  ]);
  ws.binaryType = 'arraybuffer';
  let resolveMode!: (m: TerminalMode) => void;
  let rejectMode!: (e: Error) => void;
  const mode = new Promise<TerminalMode>((resolve, reject) => {
    resolveMode = resolve;
    rejectMode = reject;
  });
  mode.catch(() => {}); // a session refused before it began is told through onClose too
  const encoder = new TextEncoder();
  ws.onmessage = event => {
    if (typeof event.data === 'string') {
      try {
        const control = JSON.parse(event.data);
        if (control?.type === 'session') resolveMode(control.mode);
      } catch {
        // not a control frame: ignored
      }
      return;
    }
    options.handlers.onOutput(new Uint8Array(event.data as ArrayBuffer));
  };
  ws.onclose = event => {
    const message = describeClose(event.code, event.reason);
    rejectMode(new Error(message));
    options.handlers.onClose(message);
  };
  const open = () => ws.readyState === 1;
  // the size asked for before the socket opened is sent when it does
  let size: { cols: number; rows: number } | undefined;
  const sendSize = () => {
    if (size && open()) ws.send(JSON.stringify({ type: 'resize', ...size }));
  };
  ws.onopen = sendSize;
  return {
    mode,
    send(data) {
      if (open()) ws.send(encoder.encode(data));
    },
    resize(cols, rows) {
      size = { cols, rows };
      sendSize();
    },
    close() {
      ws.close();
    },
  };
}
