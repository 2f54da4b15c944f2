/*
 * pods/exec through @kubernetes/client-node's own Exec (the WebSocket client the portal uses),
 * against a real /bin/sh in the pod's sandbox folder.
 */
import { PassThrough } from 'stream';
import fs from 'fs';
import path from 'path';
import { Exec, type V1Status } from '@kubernetes/client-node';
import WebSocket from 'ws';
import {
  startKubeTestApiServer,
  type KubeTestApiServerHandle,
} from '../startKubeTestApiServer';

jest.setTimeout(30_000);

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ws-1', namespace: 'workspaces' },
  spec: {
    containers: [
      { name: 'workspace', image: 'ghcr.io/butlerlabs/workspace:1.0' },
    ],
  },
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor<T>(
  what: string,
  f: () => T | undefined,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('pods/exec over WebSocket', () => {
  let kube: KubeTestApiServerHandle;
  beforeAll(async () => {
    kube = await startKubeTestApiServer({
      namespaces: ['default', 'workspaces'],
    });
    kube.createObject(POD);
  });
  afterAll(() => kube.stop());

  function exec(command: string[], options: { tty?: boolean } = {}) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', d => (out += d));
    stderr.on('data', d => (err += d));
    let statusResolve!: (s: V1Status) => void;
    const status = new Promise<V1Status>(r => (statusResolve = r));
    const socket = new Exec(kube.kubeconfig).exec(
      'workspaces',
      'ws-1',
      'workspace',
      command,
      stdout,
      stderr,
      stdin,
      options.tty ?? false,
      s => statusResolve(s),
    );
    return { socket, stdin, status, out: () => out, err: () => err };
  }

  it('runs a command and reports its output and Success', async () => {
    const e = exec(['/bin/sh', '-c', 'echo hello; echo oops >&2']);
    const status = await e.status;
    expect(status.status).toBe('Success');
    expect(e.out()).toBe('hello\n');
    expect(e.err()).toBe('oops\n');
    const [session] = kube.execProcesses().slice(-1);
    expect(session.protocol).toBe('v5.channel.k8s.io');
    expect(session.command).toEqual([
      '/bin/sh',
      '-c',
      'echo hello; echo oops >&2',
    ]);
  });

  it('feeds stdin to an interactive shell and runs in the pod sandbox', async () => {
    const e = exec(['/bin/sh'], { tty: true });
    await e.socket;
    e.stdin.write('echo hello > greeting.txt; cat greeting.txt; pwd\n');
    await waitFor('the output', () => e.out().includes('hello') || undefined);
    // Enter from a browser terminal is a carriage return: the tty makes it a newline
    e.stdin.write('exit 3\r');
    const status = await e.status;
    expect(status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    const sandbox = path.join(kube.execSandboxRoot, 'workspaces', 'ws-1');
    expect(e.out()).toContain(`hello\n${sandbox}\n`);
    expect(fs.readFileSync(path.join(sandbox, 'greeting.txt'), 'utf8')).toBe(
      'hello\n',
    );
  });

  it('kills the process (and what it started) when the socket closes', async () => {
    const e = exec(['/bin/sh', '-c', 'sleep 60 & sleep 60'], { tty: true });
    const ws = await e.socket;
    const session = await waitFor('the session', () =>
      kube.execProcesses().find(p => p.command.includes('sleep 60 & sleep 60')),
    );
    expect(alive(session.pid)).toBe(true);
    ws.close();
    await session.exited;
    await waitFor(
      'the process group to be gone',
      () => !alive(session.pid) || undefined,
    );
  });

  it('speaks v4.channel.k8s.io and records resizes', async () => {
    const url = `${kube.url.replace(
      'http',
      'ws',
    )}/api/v1/namespaces/workspaces/pods/ws-1/exec?command=cat&stdin=true&stdout=true`;
    const ws = new WebSocket(url, ['v4.channel.k8s.io']);
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    await new Promise(r => ws.once('open', r));
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    ws.send(
      Buffer.concat([
        Buffer.from([4]),
        Buffer.from('{"Width":120,"Height":40}'),
      ]),
    );
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping\n')]));
    await waitFor('the echo', () =>
      frames.find(f => f[0] === 1 && f.subarray(1).toString() === 'ping\n'),
    );
    const session = kube.execProcesses().slice(-1)[0];
    expect(session.resizes).toEqual([{ Width: 120, Height: 40 }]);
    expect(session.stdin()).toBe('ping\n');
    ws.close();
    await session.exited;
  });

  it('refuses an unknown pod, a missing command and unsupported subprotocols', async () => {
    const base = `${kube.url.replace(
      'http',
      'ws',
    )}/api/v1/namespaces/workspaces/pods`;
    const statusOf = (url: string, protocols: string[]) =>
      new Promise<number>(resolve => {
        const ws = new WebSocket(url, protocols);
        ws.on('unexpected-response', (_req, res) =>
          resolve(res.statusCode ?? 0),
        );
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      });
    expect(
      await statusOf(`${base}/nope/exec?command=sh`, ['v5.channel.k8s.io']),
    ).toBe(404);
    expect(await statusOf(`${base}/ws-1/exec`, ['v5.channel.k8s.io'])).toBe(
      400,
    );
    expect(
      await statusOf(`${base}/ws-1/exec?command=sh`, ['channel.k8s.io']),
    ).toBe(400);
    // a container the pod does not have; none named in a pod of two
    expect(
      await statusOf(`${base}/ws-1/exec?command=sh&container=nope`, [
        'v5.channel.k8s.io',
      ]),
    ).toBe(400);
    kube.createObject({
      ...POD,
      metadata: { name: 'two', namespace: 'workspaces' },
      spec: {
        containers: [
          { name: 'app', image: 'app:1' },
          { name: 'sidecar', image: 'sidecar:1' },
        ],
      },
    });
    expect(
      await statusOf(`${base}/two/exec?command=sh`, ['v5.channel.k8s.io']),
    ).toBe(400);
    expect(
      await statusOf(`${base}/two/exec?command=true&container=sidecar`, [
        'v5.channel.k8s.io',
      ]),
    ).toBe(101);
    await waitFor('the sidecar exec', () =>
      kube
        .execProcesses()
        .find(p => p.pod === 'two' && p.container === 'sidecar'),
    );
  });
});
