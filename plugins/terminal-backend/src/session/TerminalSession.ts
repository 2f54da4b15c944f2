/*
 * One terminal session: the browser's WebSocket relayed to a Kubernetes exec in the workspace's
 * pod or a tenant cluster's pod (client-node's Exec, v5/v4.channel.k8s.io, with a tty). The browser protocol:
 *   browser → portal: binary frames are keystrokes; text frames are JSON controls
 *     {"type":"resize","cols":120,"rows":40}
 *   portal → browser: binary frames are terminal output; text frames are JSON
 *     {"type":"session","mode":"read-write"|"read-only"}, {"type":"exit","status":...}
 * Read-only sessions drop keystrokes here, before anything reaches the exec. The session ends,
 * and the exec socket with it (the process is killed by the API server), on whichever comes
 * first: the browser closes, the process exits, no frame from the browser for idleTimeoutMs,
 * maxSessionMs, or a keep-alive ping unanswered for two intervals.
 */
import { PassThrough } from 'stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type { WebSocket } from 'ws';
import type { ExecTarget } from '../target/TerminalTargets';

export interface SessionLimits {
  keepAliveMs: number;
  idleTimeoutMs: number;
  maxSessionMs: number;
}

export interface SessionSummary {
  reason:
    | 'closed'
    | 'exited'
    | 'idle-timeout'
    | 'max-session'
    | 'keep-alive'
    | 'exec-failed';
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  droppedKeystrokes: number;
  exitStatus?: string;
  error?: string;
}

/** WebSocket close codes the browser is told (4000-4999: application). */
export const CLOSE_CODES = {
  'idle-timeout': 4000,
  'max-session': 4001,
  'keep-alive': 4002,
  'exec-failed': 4003,
  exited: 1000,
  closed: 1000,
} as const;

const MAX_DIMENSION = 1000;

export function startTerminalSession(options: {
  browser: WebSocket;
  target: ExecTarget;
  readOnly: boolean;
  command: string[];
  limits: SessionLimits;
  onEnd(summary: SessionSummary): void;
}): void {
  const { browser, target, readOnly, limits } = options;
  const started = Date.now();
  let bytesIn = 0;
  let bytesOut = 0;
  let dropped = 0;
  let ended = false;
  let exitStatus: V1Status | undefined;
  let execSocket: { close(): void } | undefined;

  // stdout looks like a tty to client-node (columns, rows, 'resize'), so resizes reach the exec
  const stdout = Object.assign(new PassThrough(), { columns: 80, rows: 24 });
  const stdin = new PassThrough();
  stdout.on('data', (chunk: Buffer) => {
    bytesOut += chunk.length;
    if (browser.readyState === browser.OPEN)
      browser.send(chunk, { binary: true });
  });

  const timers: NodeJS.Timeout[] = [];
  let idle: NodeJS.Timeout | undefined;
  const end = (reason: SessionSummary['reason'], error?: string) => {
    if (ended) return;
    ended = true;
    for (const t of timers) {
      // timeouts and intervals share one id space in Node; both calls are safe on either
      clearTimeout(t);
      clearInterval(t);
    }
    if (idle) clearTimeout(idle);
    stdin.end();
    execSocket?.close();
    if (browser.readyState === browser.OPEN) {
      if (exitStatus) {
        browser.send(JSON.stringify({ type: 'exit', status: exitStatus }));
      }
      browser.close(CLOSE_CODES[reason], reason);
    }
    options.onEnd({
      reason,
      durationMs: Date.now() - started,
      bytesIn,
      bytesOut,
      droppedKeystrokes: dropped,
      ...(exitStatus?.status && { exitStatus: exitStatus.status }),
      ...(error && { error }),
    });
  };

  const touch = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => end('idle-timeout'), limits.idleTimeoutMs);
  };
  touch();
  timers.push(setTimeout(() => end('max-session'), limits.maxSessionMs));
  let awaitingPong = 0;
  browser.on('pong', () => {
    awaitingPong = 0;
  });
  timers.push(
    setInterval(() => {
      if (awaitingPong >= 2) {
        end('keep-alive');
        return;
      }
      awaitingPong += 1;
      browser.ping();
    }, limits.keepAliveMs),
  );

  browser.on('message', (data: Buffer, isBinary: boolean) => {
    touch();
    if (isBinary) {
      if (readOnly) {
        dropped += data.length;
        return;
      }
      bytesIn += data.length;
      stdin.write(data);
      return;
    }
    let control: any;
    try {
      control = JSON.parse(data.toString('utf8'));
    } catch {
      return; // not a control frame: ignored
    }
    if (control?.type === 'resize') {
      const cols = Math.trunc(Number(control.cols));
      const rows = Math.trunc(Number(control.rows));
      if (
        cols > 0 &&
        rows > 0 &&
        cols <= MAX_DIMENSION &&
        rows <= MAX_DIMENSION
      ) {
        stdout.columns = cols;
        stdout.rows = rows;
        stdout.emit('resize');
      }
    }
  });
  browser.on('close', () => end('closed'));
  browser.on('error', () => end('closed'));

  browser.send(
    JSON.stringify({
      type: 'session',
      mode: readOnly ? 'read-only' : 'read-write',
    }),
  );

  new Exec(target.kubeConfig)
    .exec(
      target.podNamespace,
      target.podName,
      target.container,
      options.command,
      stdout,
      stdout, // a tty merges stderr into the terminal
      stdin,
      true,
      status => {
        exitStatus = status;
        end('exited');
      },
    )
    .then(ws => {
      execSocket = ws;
      if (ended) ws.close();
      ws.on('close', () => end('exited'));
    })
    .catch((error: Error) => end('exec-failed', error.message));
}
