/*
 * The terminal end to end: a ticket over HTTP with the user's identity, the WebSocket upgrade,
 * the permission (the portal's real policy over Teams on the test API server), and a real
 * /bin/sh behind pods/exec on the test API server.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory from 'knex';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import request from 'supertest';
import WebSocket from 'ws';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  butlerClusterConditions,
  butlerWorkspaceConditions,
} from '@butler-portal/plugin-butler-common';
import {
  APP_ORIGIN,
  APP_POD,
  USERS,
  startTerminalBackend,
  type TestPolicy,
} from '../__testUtils__/terminalBackend';
import {
  butlerClient,
  tenantCluster,
} from '@butler-portal/plugin-butler-node/testUtils';
import { TERMINAL_PROTOCOL } from './createRouter';

jest.setTimeout(60_000);

type Backend = Awaited<ReturnType<typeof startTerminalBackend>>;

async function waitFor<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function ticketFor(b: Backend, ref: string, ws = 'team-a/alice-dev') {
  const [namespace, name] = ws.split('/');
  const res = await request(b.server)
    .post('/api/terminal/tickets')
    .set(b.as(ref))
    .send({ namespace, name });
  return res;
}

/** A ticket for a pod of a tenant cluster (default: team-a's cluster, the app pod). */
async function clusterTicketFor(
  b: Backend,
  ref: string,
  options: { cluster?: string; pod?: Record<string, string> } = {},
) {
  const [namespace, name] = (options.cluster ?? 'team-a/dev').split('/');
  return request(b.server)
    .post('/api/terminal/tickets')
    .set(b.as(ref))
    .send({
      kind: 'cluster',
      namespace,
      name,
      pod: options.pod ?? { namespace: APP_POD.namespace, name: APP_POD.name },
    });
}

/** Opens the socket; resolves with the HTTP status of a refusal, or the open socket. */
function connect(
  b: Pick<Backend, 'wsUrl'>,
  options: { ticket?: string; origin?: string },
): Promise<{
  status: number;
  ws?: WebSocket;
  output: () => string;
  controls: any[];
  /** the refusal's body */
  body?: string;
}> {
  const protocols = [
    TERMINAL_PROTOCOL,
    ...(options.ticket ? [`ticket.${options.ticket}`] : []),
  ];
  const ws = new WebSocket(b.wsUrl, protocols, {
    headers: { Origin: options.origin ?? APP_ORIGIN },
  });
  let output = '';
  const controls: any[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) output += data.toString('utf8');
    else controls.push(JSON.parse(data.toString('utf8')));
  });
  return new Promise(resolve => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', d => (body += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          output: () => output,
          controls,
          body,
        }),
      );
    });
    ws.on('open', () =>
      resolve({ status: 101, ws, output: () => output, controls }),
    );
    ws.on('error', () => {});
  });
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>(resolve =>
    ws.on('close', (code, reason) =>
      resolve({ code, reason: reason.toString() }),
    ),
  );

describe('terminal over WebSocket', () => {
  let b: Backend;

  beforeAll(async () => {
    b = await startTerminalBackend({
      idleTimeoutSeconds: 30,
      keepAliveSeconds: 1,
    });
    // the policy's roles come from the inventory's watches: wait until they are in
    await waitFor(
      'the owner to be allowed',
      async () => (await ticketFor(b, USERS.owner)).status === 201 || undefined,
    );
  });
  afterAll(() => b?.stop());

  it('runs echo hello for the owner and ends the process when the socket closes', async () => {
    const t = await ticketFor(b, USERS.owner);
    expect(t.status).toBe(201);
    expect(t.body.protocol).toBe(TERMINAL_PROTOCOL);
    const c = await connect(b, { ticket: t.body.ticket });
    expect(c.status).toBe(101);
    // the ticket is never echoed: the chosen subprotocol is the terminal's
    expect(c.ws!.protocol).toBe(TERMINAL_PROTOCOL);
    await waitFor('the session frame', () =>
      c.controls.find(m => m.type === 'session'),
    );
    expect(c.controls[0]).toEqual({ type: 'session', mode: 'read-write' });
    c.ws!.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    c.ws!.send(Buffer.from('echo hello\n'), { binary: true });
    await waitFor('hello', () => c.output().includes('hello\n') || undefined);
    expect(c.output()).toBe('hello\n');
    const session = b.kube.execProcesses().slice(-1)[0];
    expect(session).toMatchObject({
      namespace: 'workspaces',
      pod: 'alice-dev-pod',
      command: ['/bin/sh'],
    });
    await waitFor(
      'the resize',
      () =>
        session.resizes.some((r: any) => r.width === 120 && r.height === 40) ||
        undefined,
    );
    expect(alive(session.pid)).toBe(true);
    c.ws!.close();
    await session.exited;
    await waitFor(
      'the process to be gone',
      () => !alive(session.pid) || undefined,
    );
    // one audit event per session: who, where, how, how long
    const audit = await waitFor('the audit outcome', () =>
      b.audits.find(
        a => a.outcome && a.options.meta?.pod === 'workspaces/alice-dev-pod',
      ),
    );
    expect(audit.options).toMatchObject({
      eventId: 'terminal-session',
      meta: {
        actor: USERS.owner,
        workspace: 'team-a/alice-dev',
        mode: 'read-write',
      },
    });
    expect(audit.outcome).toMatchObject({
      kind: 'success',
      meta: { reason: 'closed', bytesIn: 11, droppedKeystrokes: 0 },
    });
    expect(typeof audit.outcome!.meta!.durationMs).toBe('number');
  });

  it('refuses an upgrade without a ticket (401)', async () => {
    expect((await connect(b, {})).status).toBe(401);
    expect((await connect(b, { ticket: 'made-up' })).status).toBe(401);
  });

  it('refuses a used ticket (401)', async () => {
    const t = await ticketFor(b, USERS.owner);
    const first = await connect(b, { ticket: t.body.ticket });
    expect(first.status).toBe(101);
    first.ws!.close();
    expect((await connect(b, { ticket: t.body.ticket })).status).toBe(401);
  });

  it('refuses a foreign Origin (403) and the ticket is not spent by it', async () => {
    const t = await ticketFor(b, USERS.owner);
    expect(
      (
        await connect(b, {
          ticket: t.body.ticket,
          origin: 'https://evil.example.com',
        })
      ).status,
    ).toBe(403);
    const c = await connect(b, { ticket: t.body.ticket });
    expect(c.status).toBe(101);
    c.ws!.close();
  });

  it("answers another team's workspace as an unknown one (404), before any ticket or exec", async () => {
    // the sessions of the tests before have started their execs by now
    await new Promise(r => setTimeout(r, 300));
    const before = b.kube.execProcesses().length;
    const t = await ticketFor(b, USERS.otherTeam);
    // as butler-backend answers a workspace bob may not read: a 403 would say it exists
    expect(t.status).toBe(404);
    expect(t.body.error.message).toBe('workspace team-a/alice-dev not found');
    expect(t.body.ticket).toBeUndefined();
    const unknown = await ticketFor(b, USERS.otherTeam, 'team-a/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      name: t.body.error.name,
      message: 'workspace team-a/nope not found',
    });
    expect(b.kube.execProcesses().length).toBe(before);
    // their own workspace is theirs
    expect((await ticketFor(b, USERS.otherTeam, 'team-b/bob-dev')).status).toBe(
      201,
    );
  });

  it('refuses a disabled user (403 naming the read permission), known workspace or not', async () => {
    for (const ws of ['team-a/alice-dev', 'team-a/nope']) {
      const t = await ticketFor(b, USERS.disabled, ws);
      expect(t.status).toBe(403);
      expect(t.body.error.message).toBe(
        'user:default/mallory is not allowed butler.workspace.read',
      );
    }
  });

  it('gives a viewer a read-only session: keystrokes never reach the process', async () => {
    const t = await ticketFor(b, USERS.viewer);
    expect(t.status).toBe(201);
    const c = await connect(b, { ticket: t.body.ticket });
    expect(c.status).toBe(101);
    await waitFor('the session frame', () =>
      c.controls.find(m => m.type === 'session'),
    );
    expect(c.controls[0]).toEqual({ type: 'session', mode: 'read-only' });
    const session = await waitFor('the exec', () =>
      b.kube
        .execProcesses()
        .find(
          p =>
            p.pod === 'alice-dev-pod' &&
            alive(p.pid) &&
            p.exitCode === undefined,
        ),
    );
    c.ws!.send(Buffer.from('echo pwned > pwned.txt\n'), { binary: true });
    await new Promise(r => setTimeout(r, 300));
    expect(session.stdin()).toBe('');
    expect(c.output()).toBe('');
    const done = closed(c.ws!);
    c.ws!.close();
    await done;
    const audit = await waitFor('the audit outcome', () =>
      b.audits.find(a => a.outcome && a.options.meta?.actor === USERS.viewer),
    );
    expect(audit.outcome!.meta).toMatchObject({
      droppedKeystrokes: 23,
      bytesIn: 0,
    });
  });

  it('refuses an expired ticket (401)', async () => {
    const short = await startTerminalBackend({ ticketTtlSeconds: 0.2 });
    try {
      const t = await waitFor('a ticket', async () => {
        const r = await ticketFor(short, USERS.owner);
        return r.status === 201 ? r : undefined;
      });
      await new Promise(r => setTimeout(r, 400));
      expect((await connect(short, { ticket: t.body.ticket })).status).toBe(
        401,
      );
    } finally {
      await short.stop();
    }
  });

  it('ends an idle session and one past its maximum length, killing the process', async () => {
    const limited = await startTerminalBackend({
      idleTimeoutSeconds: 0.5,
      maxSessionSeconds: 30,
    });
    try {
      const t = await waitFor('a ticket', async () => {
        const r = await ticketFor(limited, USERS.owner);
        return r.status === 201 ? r : undefined;
      });
      const c = await connect(limited, { ticket: t.body.ticket });
      const end = await closed(c.ws!);
      expect(end).toEqual({ code: 4000, reason: 'idle-timeout' });
      const session = limited.kube.execProcesses().slice(-1)[0];
      await session.exited;
      expect(alive(session.pid)).toBe(false);
    } finally {
      await limited.stop();
    }
    const capped = await startTerminalBackend({ maxSessionSeconds: 0.5 });
    try {
      const t = await waitFor('a ticket', async () => {
        const r = await ticketFor(capped, USERS.owner);
        return r.status === 201 ? r : undefined;
      });
      const c = await connect(capped, { ticket: t.body.ticket });
      expect(await closed(c.ws!)).toEqual({
        code: 4001,
        reason: 'max-session',
      });
    } finally {
      await capped.stop();
    }
  });

  it('answers a plain GET with 426 and a bad ticket request with 400 naming the field', async () => {
    await request(b.server).get('/api/terminal/connect').expect(426);
    const res = await request(b.server)
      .post('/api/terminal/tickets')
      .set(b.as(USERS.owner))
      .send({ namespace: '../x', name: 'alice-dev' })
      .expect(400);
    expect(res.body.error.message).toMatch(
      /^body\.namespace: must be a DNS-1123 label/,
    );
    await request(b.server)
      .post('/api/terminal/tickets')
      .send({ namespace: 'team-a', name: 'alice-dev' })
      .expect(401);
  });

  describe('into a pod of a tenant cluster', () => {
    it("gives the team's operator a read-write session in the pod's default container", async () => {
      const t = await clusterTicketFor(b, USERS.operator);
      expect(t.status).toBe(201);
      const c = await connect(b, { ticket: t.body.ticket });
      expect(c.status).toBe(101);
      await waitFor('the session frame', () =>
        c.controls.find(m => m.type === 'session'),
      );
      expect(c.controls[0]).toEqual({ type: 'session', mode: 'read-write' });
      c.ws!.send(Buffer.from('echo hello\n'), { binary: true });
      await waitFor('hello', () => c.output().includes('hello\n') || undefined);
      const session = b.kube
        .execProcesses()
        .filter(p => p.pod === APP_POD.name)
        .slice(-1)[0];
      // through the kubeconfig of the TenantCluster's kubeconfigSecretRef, in the annotated container
      expect(session).toMatchObject({
        namespace: APP_POD.namespace,
        pod: APP_POD.name,
        container: 'app',
        command: ['/bin/sh'],
      });
      const done = closed(c.ws!);
      c.ws!.close();
      await done;
      await session.exited;
      expect(alive(session.pid)).toBe(false);
      const audit = await waitFor('the audit outcome', () =>
        b.audits.find(
          a => a.outcome && a.options.meta?.actor === USERS.operator,
        ),
      );
      expect(audit.options.meta).toMatchObject({
        cluster: 'team-a/dev',
        pod: 'apps/web-0',
        container: 'app',
        mode: 'read-write',
      });
    });

    it('gives a team admin the container asked for', async () => {
      const t = await clusterTicketFor(b, USERS.owner, {
        pod: {
          namespace: APP_POD.namespace,
          name: APP_POD.name,
          container: 'sidecar',
        },
      });
      expect(t.status).toBe(201);
      const c = await connect(b, { ticket: t.body.ticket });
      expect(c.status).toBe(101);
      await waitFor('the session frame', () =>
        c.controls.find(m => m.type === 'session'),
      );
      expect(c.controls[0].mode).toBe('read-write');
      const session = await waitFor('the exec', () =>
        b.kube.execProcesses().find(p => p.container === 'sidecar'),
      );
      expect(session.pod).toBe(APP_POD.name);
      c.ws!.close();
      await session.exited;
    });

    it("gives the team's viewer a read-only session: keystrokes never reach the process", async () => {
      const t = await clusterTicketFor(b, USERS.viewer);
      expect(t.status).toBe(201);
      const c = await connect(b, { ticket: t.body.ticket });
      expect(c.status).toBe(101);
      await waitFor('the session frame', () =>
        c.controls.find(m => m.type === 'session'),
      );
      expect(c.controls[0]).toEqual({ type: 'session', mode: 'read-only' });
      const session = await waitFor('the exec', () =>
        b.kube
          .execProcesses()
          .find(
            p =>
              p.pod === APP_POD.name &&
              alive(p.pid) &&
              p.exitCode === undefined,
          ),
      );
      c.ws!.send(Buffer.from('echo pwned > pwned.txt\n'), { binary: true });
      await new Promise(r => setTimeout(r, 300));
      expect(session.stdin()).toBe('');
      expect(c.output()).toBe('');
      c.ws!.close();
      await session.exited;
    });

    it("answers another team's member as for an unknown cluster (404), before any exec", async () => {
      await new Promise(r => setTimeout(r, 300));
      const before = b.kube.execProcesses().length;
      const t = await clusterTicketFor(b, USERS.otherTeam);
      expect(t.status).toBe(404);
      expect(t.body.error.message).toBe('tenant cluster team-a/dev not found');
      const unknown = await clusterTicketFor(b, USERS.otherTeam, {
        cluster: 'team-a/nope',
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({
        name: t.body.error.name,
        message: 'tenant cluster team-a/nope not found',
      });
      expect(b.kube.execProcesses().length).toBe(before);
      // their own team's cluster is theirs
      const own = await clusterTicketFor(b, USERS.otherTeam, {
        cluster: 'team-b/dev',
      });
      expect(own.status).toBe(201);
      // and team-a's viewer has no role in team-b
      expect(
        (
          await clusterTicketFor(b, USERS.viewer, {
            cluster: 'team-b/dev',
          })
        ).status,
      ).toBe(404);
      // a disabled user is refused every cluster alike (403), known or not
      for (const cluster of ['team-a/dev', 'team-a/nope']) {
        const d = await clusterTicketFor(b, USERS.disabled, { cluster });
        expect(d.status).toBe(403);
        expect(d.body.error.message).toBe(
          'user:default/mallory is not allowed butler.cluster.read',
        );
      }
    });

    it('names a cluster whose kubeconfig is not there yet, and starts no exec', async () => {
      // a cluster still being provisioned: no status.kubeconfigSecretRef
      await b.kube.kubeconfig
        .makeApiClient(CustomObjectsApi)
        .createNamespacedCustomObject({
          group: 'butler.butlerlabs.dev',
          version: 'v1alpha1',
          plural: 'tenantclusters',
          namespace: 'team-a',
          body: {
            apiVersion: 'butler.butlerlabs.dev/v1alpha1',
            kind: 'TenantCluster',
            metadata: { name: 'fresh', namespace: 'team-a' },
            spec: { kubernetesVersion: 'v1.31.4', workers: { replicas: 1 } },
          },
        });
      const t = await clusterTicketFor(b, USERS.owner, {
        cluster: 'team-a/fresh',
      });
      expect(t.status).toBe(201);
      await new Promise(r => setTimeout(r, 300));
      const before = b.kube.execProcesses().length;
      const c = await connect(b, { ticket: t.body.ticket });
      expect(c.status).toBe(503);
      expect(JSON.parse(c.body!).error.message).toMatch(
        /^TenantCluster team-a\/fresh has no kubeconfig yet: status\.kubeconfigSecretRef is not set/,
      );
      expect(b.kube.execProcesses().length).toBe(before);
    });

    it('names what is missing: cluster, pod, container, the pod field', async () => {
      const unknownCluster = await clusterTicketFor(b, USERS.owner, {
        cluster: 'team-a/nope',
      });
      expect(unknownCluster.status).toBe(404);
      expect(unknownCluster.body.error.message).toBe(
        'tenant cluster team-a/nope not found',
      );
      const noPod = await clusterTicketFor(b, USERS.owner, {
        pod: { namespace: 'apps', name: 'nope' },
      });
      const c1 = await connect(b, { ticket: noPod.body.ticket });
      expect(c1.status).toBe(404);
      expect(JSON.parse(c1.body!).error.message).toBe(
        'pod apps/nope in TenantCluster team-a/dev not found',
      );
      const noContainer = await clusterTicketFor(b, USERS.owner, {
        pod: { namespace: 'apps', name: 'web-0', container: 'db' },
      });
      const c2 = await connect(b, { ticket: noContainer.body.ticket });
      expect(c2.status).toBe(404);
      expect(JSON.parse(c2.body!).error.message).toBe(
        'pod apps/web-0 in TenantCluster team-a/dev has no container "db" (it has app, sidecar)',
      );
      const res = await request(b.server)
        .post('/api/terminal/tickets')
        .set(b.as(USERS.owner))
        .send({ kind: 'cluster', namespace: 'team-a', name: 'dev' })
        .expect(400);
      expect(res.body.error.message).toMatch(/^body\.pod: must name the pod/);
      const bad = await request(b.server)
        .post('/api/terminal/tickets')
        .set(b.as(USERS.owner))
        .send({
          kind: 'cluster',
          namespace: 'team-a',
          name: 'dev',
          pod: { namespace: 'apps', name: 'Web_0' },
        })
        .expect(400);
      expect(bad.body.error.message).toMatch(
        /^body\.pod\.name: must be a DNS-1123 subdomain/,
      );
    });
  });

  describe('the pods of a tenant cluster, for the terminal picker', () => {
    const pods = (ref: string, cluster = 'team-a/dev', query = '') =>
      request(b.server)
        .get(`/api/terminal/clusters/${cluster}/pods${query}`)
        .set(b.as(ref));

    /** A TenantCluster of team-a, with the kubeconfig Secret when `server` is given. */
    async function addCluster(name: string, server?: string) {
      if (server) {
        await b.kube.kubeconfig
          .makeApiClient(CoreV1Api)
          .createNamespacedSecret({
            namespace: 'team-a',
            body: {
              metadata: { name: `${name}-kubeconfig` },
              data: {
                value: Buffer.from(
                  b.kube.kubeconfigYaml.replace(
                    /server: \S+/,
                    `server: ${server}`,
                  ),
                ).toString('base64'),
              },
            },
          });
      }
      const cluster = tenantCluster('team-a', name);
      // the Secret in the cluster's own namespace (no status.tenantNamespace)
      const status = cluster.status as Record<string, unknown>;
      delete status.tenantNamespace;
      if (server) status.kubeconfigSecretRef = { name: `${name}-kubeconfig` };
      await butlerClient(b.kube.kubeconfig).create(cluster);
    }

    it("lists them for the team's operator, who may type", async () => {
      const res = await pods(USERS.operator).expect(200);
      expect(res.body).toMatchObject({
        cluster: 'team-a/dev',
        writable: true,
        truncated: false,
        limit: 200,
      });
      // read through the TenantCluster's kubeconfig: the tenant cluster's pods, all namespaces
      expect(res.body.pods).toEqual([
        {
          namespace: 'apps',
          name: 'web-0',
          phase: 'Unknown',
          containers: ['app', 'sidecar'],
          defaultContainer: 'app',
        },
        {
          namespace: 'workspaces',
          name: 'alice-dev-pod',
          phase: 'Unknown',
          containers: ['workspace'],
          defaultContainer: 'workspace',
        },
        {
          namespace: 'workspaces',
          name: 'bob-dev-pod',
          phase: 'Unknown',
          containers: ['workspace'],
          defaultContainer: 'workspace',
        },
      ]);
      // a team admin too
      expect((await pods(USERS.owner).expect(200)).body.writable).toBe(true);
    });

    it("tells the team's viewer their sessions are read-only", async () => {
      const res = await pods(USERS.viewer).expect(200);
      expect(res.body.writable).toBe(false);
      expect(res.body.pods.map((p: any) => p.name)).toContain('web-0');
    });

    it("answers another team's member as for an unknown cluster (404)", async () => {
      const res = await pods(USERS.otherTeam).expect(404);
      expect(res.body.error.message).toBe('tenant cluster team-a/dev not found');
      expect(res.body.pods).toBeUndefined();
      const unknown = await pods(USERS.otherTeam, 'team-a/nope').expect(404);
      expect(unknown.body.error).toMatchObject({
        name: res.body.error.name,
        message: 'tenant cluster team-a/nope not found',
      });
      // a disabled user: 403 naming the read permission, whatever the cluster
      const disabled = await pods(USERS.disabled).expect(403);
      expect(disabled.body.error.message).toBe(
        'user:default/mallory is not allowed butler.cluster.read',
      );
      // their own team's cluster is theirs
      expect(
        (await pods(USERS.otherTeam, 'team-b/dev').expect(200)).body.writable,
      ).toBe(true);
      // and without a token, nobody's
      await request(b.server)
        .get('/api/terminal/clusters/team-a/dev/pods')
        .expect(401);
    });

    it('is bounded by limit, and says when there are more', async () => {
      const res = await pods(USERS.owner, 'team-a/dev', '?limit=1').expect(200);
      expect(res.body.pods).toHaveLength(1);
      expect(res.body).toMatchObject({ truncated: true, limit: 1 });
      for (const limit of ['0', '501', 'x']) {
        const bad = await pods(
          USERS.owner,
          'team-a/dev',
          `?limit=${limit}`,
        ).expect(400);
        expect(bad.body.error.message).toBe(
          'query.limit: must be a whole number from 1 to 500',
        );
      }
    });

    it('names an unknown cluster (404), one without its kubeconfig yet and an unreachable one (503)', async () => {
      const unknown = await pods(USERS.owner, 'team-a/nope').expect(404);
      expect(unknown.body.error.message).toBe(
        'tenant cluster team-a/nope not found',
      );
      await addCluster('pending');
      const pending = await pods(USERS.owner, 'team-a/pending').expect(503);
      expect(pending.body.error.message).toMatch(
        /^TenantCluster team-a\/pending has no kubeconfig yet: status\.kubeconfigSecretRef is not set/,
      );
      // a port nothing listens on: the cluster's API server is down
      await addCluster('down', 'https://127.0.0.1:1');
      const down = await pods(USERS.owner, 'team-a/down').expect(503);
      expect(down.body.error.message).toMatch(
        /^TenantCluster team-a\/down cannot be reached: listing its pods failed: /,
      );
      const bad = await pods(USERS.owner, 'Team_A/dev').expect(400);
      expect(bad.body.error.message).toMatch(
        /^params\.namespace: must be a DNS-1123 label/,
      );
    });
  });
});

describe('a policy that lets one read a target but not open its terminal', () => {
  // what the portal's policy never splits: read allowed by team, the terminal decided apart
  let terminalAllowed = false;
  let readTeams = ['team-a'];
  const policy: TestPolicy = permission => {
    if (permission === 'butler.cluster.read') {
      return butlerClusterConditions.isTeamMember({ teams: readTeams });
    }
    if (permission === 'butler.workspace.read') {
      return butlerWorkspaceConditions.isTeamMember({ teams: readTeams });
    }
    return terminalAllowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
  };
  let b: Backend;
  beforeAll(async () => {
    b = await startTerminalBackend({}, { policy });
  });
  afterAll(() => b?.stop());
  beforeEach(() => {
    terminalAllowed = false;
    readTeams = ['team-a'];
  });

  it('answers 403 naming the permission and the target to one who reads it, 404 for what they do not read', async () => {
    const before = b.kube.execProcesses().length;
    const ws = await ticketFor(b, USERS.viewer);
    expect([ws.status, ws.body.error.message]).toEqual([
      403,
      'user:default/vera is not allowed butler.workspace.terminal on workspace team-a/alice-dev',
    ]);
    const cluster = await clusterTicketFor(b, USERS.viewer);
    expect([cluster.status, cluster.body.error.message]).toEqual([
      403,
      'user:default/vera is not allowed butler.cluster.terminal on tenant cluster team-a/dev',
    ]);
    const pods = await request(b.server)
      .get('/api/terminal/clusters/team-a/dev/pods')
      .set(b.as(USERS.viewer))
      .expect(403);
    expect(pods.body.error.message).toBe(cluster.body.error.message);
    // team-b's are not read: 404, as unknown ones, before the terminal permission counts
    expect(
      (await ticketFor(b, USERS.viewer, 'team-b/bob-dev')).body.error.message,
    ).toBe('workspace team-b/bob-dev not found');
    expect(
      (await clusterTicketFor(b, USERS.viewer, { cluster: 'team-b/dev' })).body
        .error.message,
    ).toBe('tenant cluster team-b/dev not found');
    expect(b.kube.execProcesses().length).toBe(before);
  });

  it('decides again at the upgrade: a target no longer read is 404 there', async () => {
    terminalAllowed = true;
    const t = await clusterTicketFor(b, USERS.viewer);
    expect(t.status).toBe(201);
    const before = b.kube.execProcesses().length;
    readTeams = ['team-b'];
    const c = await connect(b, { ticket: t.body.ticket });
    expect(c.status).toBe(404);
    expect(JSON.parse(c.body!).error.message).toBe(
      'tenant cluster team-a/dev not found',
    );
    expect(b.kube.execProcesses().length).toBe(before);
  });
});

describe('two replicas sharing one database', () => {
  it('opens on one replica the ticket issued by the other, once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-replicas-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'terminal.sqlite') },
      useNullAsDefault: true,
    });
    const first = await startTerminalBackend({}, { knex });
    const second = await startTerminalBackend({}, { knex, kube: first.kube });
    try {
      const t = await waitFor('a ticket from the first replica', async () => {
        const r = await ticketFor(first, USERS.owner);
        return r.status === 201 ? r : undefined;
      });
      const c = await connect(second, { ticket: t.body.ticket });
      expect(c.status).toBe(101);
      c.ws!.send(Buffer.from('echo hello\n'), { binary: true });
      await waitFor('hello', () => c.output().includes('hello\n') || undefined);
      c.ws!.close();
      // spent on the second: refused by either
      expect((await connect(first, { ticket: t.body.ticket })).status).toBe(
        401,
      );
      expect((await connect(second, { ticket: t.body.ticket })).status).toBe(
        401,
      );
    } finally {
      await second.stop();
      await first.stop();
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
