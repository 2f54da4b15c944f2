/*
 * `pods/exec` over WebSocket, as the apiserver serves it to kubectl and @kubernetes/client-node:
 * GET /api/v1/namespaces/<ns>/pods/<pod>/exec?command=..&stdin=..&stdout=..&stderr=..&tty=..
 * upgraded with one of the subprotocols `v5.channel.k8s.io` or `v4.channel.k8s.io`. Every frame
 * is binary, its first byte the channel: 0 stdin, 1 stdout, 2 stderr, 3 the final Status (JSON),
 * 4 resize ({"Width","Height"}); v5 adds 255, "close this stream" (a client's end of stdin).
 *
 * No container runs here: the command runs as a real process in the pod's sandbox folder
 * (<sandbox root>/<namespace>/<pod>), with a minimal environment, so tests type commands and
 * read their output. The process (and its process group) is killed when the socket closes.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import type http from 'http';
import os from 'os';
import path from 'path';
import type { Duplex } from 'stream';
import { WebSocketServer, type WebSocket } from 'ws';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;
const CLOSE = 255;

/** One exec session as tests see it. */
export interface ExecProcess {
  namespace: string;
  pod: string;
  /** the container the exec asked for (or the pod's only one) */
  container: string;
  command: string[];
  pid: number;
  protocol: string;
  /** every byte written to the process's stdin, in order */
  stdin(): string;
  /** resize requests received (channel 4) */
  resizes: Array<{ Width: number; Height: number }>;
  exitCode?: number | null;
  /** resolves when the process has exited */
  exited: Promise<void>;
}

export interface ExecServerOptions {
  /** a pod's container names; undefined when there is no such pod (404) */
  podContainers(namespace: string, pod: string): string[] | undefined;
  /** folder under which each pod gets its sandbox; default a fresh temporary folder */
  sandboxRoot?: string;
}

const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

function reject(socket: Duplex, code: number, message: string) {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code,
  });
  const head = [
    `HTTP/1.1 ${code} ${code === 404 ? 'Not Found' : 'Bad Request'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

const frame = (channel: number, data: Buffer | string) =>
  Buffer.concat([Buffer.from([channel]), Buffer.from(data)]);

export class ExecServer {
  readonly sandboxRoot: string;
  readonly #wss = new WebSocketServer({
    noServer: true,
    // the first protocol we support, in the client's order of preference
    handleProtocols: offered =>
      [...offered].find(p => EXEC_PROTOCOLS.includes(p)) ?? false,
  });
  readonly #processes: ExecProcess[] = [];
  readonly #children = new Set<ChildProcess>();

  constructor(private readonly options: ExecServerOptions) {
    this.sandboxRoot =
      options.sandboxRoot ??
      fs.mkdtempSync(path.join(os.tmpdir(), 'kube-test-exec-'));
  }

  /** every exec session so far, in order */
  processes(): readonly ExecProcess[] {
    return [...this.#processes];
  }

  /** Handles an upgrade; returns false when the path is not an exec (the caller answers). */
  handleUpgrade(
    req: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = EXEC_PATH.exec(url.pathname);
    if (!match) return false;
    const [namespace, pod] = [match[1], match[2]].map(decodeURIComponent);
    const containers = this.options.podContainers(namespace, pod);
    if (!containers) {
      reject(socket, 404, `pods "${pod}" not found`);
      return true;
    }
    // as the apiserver: the container is required unless the pod has just one
    let container = url.searchParams.get('container') ?? '';
    if (!container && containers.length === 1) container = containers[0];
    if (!container) {
      reject(
        socket,
        400,
        `a container name must be specified for pod ${pod}, choose one of: [${containers.join(
          ' ',
        )}]`,
      );
      return true;
    }
    if (!containers.includes(container)) {
      reject(socket, 400, `container ${container} is not valid for pod ${pod}`);
      return true;
    }
    const command = url.searchParams.getAll('command');
    if (command.length === 0) {
      reject(socket, 400, 'you must specify at least 1 command');
      return true;
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map(p => p.trim());
    if (!offered.some(p => EXEC_PROTOCOLS.includes(p))) {
      reject(
        socket,
        400,
        `none of the offered subprotocols is supported (${EXEC_PROTOCOLS.join(
          ', ',
        )})`,
      );
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, ws =>
      this.#run(ws, namespace, pod, container, command, url.searchParams),
    );
    return true;
  }

  #run(
    ws: WebSocket,
    namespace: string,
    pod: string,
    container: string,
    command: string[],
    query: URLSearchParams,
  ) {
    const flag = (name: string) =>
      query.get(name) === 'true' || query.get(name) === '1';
    const tty = flag('tty');
    const cwd = path.join(this.sandboxRoot, namespace, pod);
    fs.mkdirSync(cwd, { recursive: true });
    const child = spawn(command[0], command.slice(1), {
      cwd,
      // its own process group, so that closing the socket ends everything it started
      detached: true,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: cwd,
        TERM: tty ? 'xterm-256color' : 'dumb',
        PS1: '$ ',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#children.add(child);
    const received: Buffer[] = [];
    let exitedResolve!: () => void;
    const record: ExecProcess = {
      namespace,
      pod,
      container,
      command,
      pid: child.pid ?? -1,
      protocol: ws.protocol,
      stdin: () => Buffer.concat(received).toString('utf8'),
      resizes: [],
      exited: new Promise<void>(resolve => {
        exitedResolve = resolve;
      }),
    };
    this.#processes.push(record);

    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
    };
    if (flag('stdout') || tty) child.stdout!.on('data', d => send(STDOUT, d));
    // with a tty, stderr is the terminal too
    if (flag('stderr') || tty) {
      child.stderr!.on('data', d => send(tty ? STDOUT : STDERR, d));
    }
    child.stdin!.on('error', () => {}); // writes after the process ended

    ws.on('message', (data: Buffer, isBinary) => {
      const buf = isBinary ? data : Buffer.from(data.toString(), 'utf8');
      if (buf.length === 0) return;
      const channel = buf[0];
      const payload = buf.subarray(1);
      if (channel === STDIN && flag('stdin')) {
        received.push(Buffer.from(payload));
        // a terminal's Enter is a carriage return, which a tty's line discipline hands to the
        // program as a newline (ICRNL); there is no tty here, so that part is done by hand
        child.stdin!.write(
          tty
            ? Buffer.from(payload.map(b => (b === 0x0d ? 0x0a : b)))
            : payload,
        );
      } else if (channel === RESIZE) {
        try {
          record.resizes.push(JSON.parse(payload.toString('utf8')));
        } catch {
          // a malformed resize is ignored, as the apiserver does
        }
      } else if (
        channel === CLOSE &&
        ws.protocol === 'v5.channel.k8s.io' &&
        payload[0] === STDIN
      ) {
        child.stdin!.end();
      }
    });

    const kill = () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    ws.on('close', kill);
    ws.on('error', kill);

    child.on('error', error => {
      send(
        STATUS,
        JSON.stringify({
          metadata: {},
          status: 'Failure',
          message: `exec failed: ${error.message}`,
          reason: 'InternalError',
        }),
      );
      ws.close(1000);
    });
    child.on('close', (code, signal) => {
      this.#children.delete(child);
      record.exitCode = code;
      exitedResolve();
      const status =
        code === 0
          ? { metadata: {}, status: 'Success' }
          : {
              metadata: {},
              status: 'Failure',
              message: `command terminated with non-zero exit code: ${
                code ?? signal
              }`,
              reason: 'NonZeroExitCode',
              details: {
                causes: [{ reason: 'ExitCode', message: String(code ?? 137) }],
              },
            };
      send(STATUS, JSON.stringify(status));
      if (ws.readyState === ws.OPEN) ws.close(1000);
    });
  }

  /** Kills every running process (server stop). */
  stop() {
    for (const child of this.#children) {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    this.#wss.close();
  }
}
