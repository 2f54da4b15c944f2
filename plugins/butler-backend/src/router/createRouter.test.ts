/*
 * The routes over HTTP with Backstage's mock auth and permissions, in front of the real runtimes:
 * a ManagementCluster on the test API server (or $TEST_KUBECONFIG) and the not-configured one.
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DESIRED_STATE_ANNOTATION } from '@butler-portal/plugin-butler-common';
import express from 'express';
import request from 'supertest';
import {
  type ClusterTestEnvironment,
  startClusterTestEnvironment,
} from '@butler-portal/kube-test-apiserver';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import { workspaceClient } from '../__testUtils__/workspaceCluster';
import { WORKSPACE_CRD } from '../cluster/workspaceResource';
import { ManagementCluster } from '../cluster/ManagementCluster';
import {
  NOT_CONFIGURED_REASON,
  UnavailableCluster,
  type WorkspaceRuntime,
} from '../cluster/WorkspaceRuntime';
import { createRouter } from './createRouter';

jest.setTimeout(60_000);

const auth = { Authorization: mockCredentials.user.header() };

/** An app with the router; `allowed` lists the permissions the policy grants (default all). */
async function appFor(runtime: WorkspaceRuntime, allowed?: string[]) {
  const decide = async (requests: Array<{ permission: { name: string } }>) =>
    requests.map(r => ({
      result:
        !allowed || allowed.includes(r.permission.name)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })) as any;
  // workspace permissions are resource permissions: the routes ask authorizeConditional
  const permissions = mockServices.permissions.mock({
    authorize: decide,
    authorizeConditional: decide,
  });
  const app = express();
  app.use(
    await createRouter({
      runtime,
      // no Authorization header = not signed in
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      auth: mockServices.auth(),
      permissions,
    }),
  );
  app.use(mockErrorHandler());
  return { app, permissions };
}

describe('butler routes on a cluster', () => {
  let env: ClusterTestEnvironment;
  let cluster: ManagementCluster;
  let ns: string;

  beforeAll(async () => {
    env = await startClusterTestEnvironment({ crds: [WORKSPACE_CRD] });
    ns = env.namespace;
    cluster = new ManagementCluster({
      kubeConfig: env.kubeConfig,
      backoffMs: 20,
    });
    await cluster.start();
    const ws = workspaceClient(env.kubeConfig);
    await ws.create(ns, 'alice-dev');
    await ws.setStatus(ns, 'alice-dev', {
      phase: 'Running',
      connected: true,
      sshEndpoint: '10.0.0.7:2222',
    });
    await eventually(
      () => cluster.getWorkspace(ns, 'alice-dev').phase,
      'the workspace in the cache',
    );
  });
  afterAll(async () => {
    await cluster.stop();
    await env.cleanup();
  });

  it('needs a signed-in user on every route', async () => {
    const { app } = await appFor(cluster);
    await request(app).get('/status').expect(401);
    await request(app).get('/workspaces').expect(401);
    await request(app).get(`/workspaces/${ns}/alice-dev`).expect(401);
    await request(app).post(`/workspaces/${ns}/alice-dev/stop`).expect(401);
  });

  it('reports the cluster, lists and reads live workspaces', async () => {
    const { app, permissions } = await appFor(cluster);
    const status = await request(app).get('/status').set(auth).expect(200);
    expect(status.body).toEqual({ configured: true, reachable: true });

    const list = await request(app)
      .get(`/workspaces?namespace=${ns}`)
      .set(auth)
      .expect(200);
    expect(list.body).toEqual({
      items: [
        {
          namespace: ns,
          name: 'alice-dev',
          exists: true,
          phase: 'Running',
          connected: true,
          sshEndpoint: '10.0.0.7:2222',
          owner: 'jane@example.com',
          conditions: [],
        },
      ],
    });
    const one = await request(app)
      .get(`/workspaces/${ns}/alice-dev`)
      .set(auth)
      .expect(200);
    expect(one.body).toEqual(list.body.items[0]);
    // the permission is asked on each call, with the caller's credentials
    expect(permissions.authorizeConditional).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'butler.workspace.read',
          }),
        },
      ],
      {
        credentials: expect.objectContaining({
          principal: expect.objectContaining({ type: 'user' }),
        }),
      },
    );
  });

  it('answers exists:false for a workspace not on the cluster', async () => {
    const { app } = await appFor(cluster);
    const res = await request(app)
      .get(`/workspaces/${ns}/nobody-dev`)
      .set(auth)
      .expect(200);
    expect(res.body).toEqual({
      namespace: ns,
      name: 'nobody-dev',
      exists: false,
      conditions: [],
    });
  });

  it('stops and starts with 202, and 404 for a workspace not on the cluster', async () => {
    const { app } = await appFor(cluster);
    const stopped = await request(app)
      .post(`/workspaces/${ns}/alice-dev/stop`)
      .set(auth)
      .expect(202);
    expect(stopped.body).toEqual({
      namespace: ns,
      name: 'alice-dev',
      desiredState: 'stopped',
    });
    const live = await workspaceClient(env.kubeConfig).get(ns, 'alice-dev');
    expect(live.metadata.annotations[DESIRED_STATE_ANNOTATION]).toBe('stopped');

    const started = await request(app)
      .post(`/workspaces/${ns}/alice-dev/start`)
      .set(auth)
      .expect(202);
    expect(started.body.desiredState).toBe('running');

    const missing = await request(app)
      .post(`/workspaces/${ns}/nobody-dev/start`)
      .set(auth)
      .expect(404);
    expect(missing.body.error).toMatchObject({
      name: 'NotFoundError',
      message: `Workspace ${ns}/nobody-dev is not on the management cluster`,
    });
  });

  it('answers 403 per permission: reading allowed does not allow operating', async () => {
    const { app } = await appFor(cluster, ['butler.workspace.read']);
    await request(app).get(`/workspaces/${ns}/alice-dev`).set(auth).expect(200);
    const denied = await request(app)
      .post(`/workspaces/${ns}/alice-dev/stop`)
      .set(auth)
      .expect(403);
    expect(denied.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'user:default/mock is not allowed butler.workspace.operate',
    });

    const none = await appFor(cluster, []);
    await request(none.app).get('/workspaces').set(auth).expect(403);
    await request(none.app)
      .get(`/workspaces/${ns}/alice-dev`)
      .set(auth)
      .expect(403);
    // status carries no workspace data: a signed-in user suffices
    await request(none.app).get('/status').set(auth).expect(200);
  });

  it('answers 400 naming the parameter for names that are not DNS-1123 labels', async () => {
    const { app } = await appFor(cluster);
    const traversal = await request(app)
      .post(`/workspaces/${encodeURIComponent('../x')}/alice-dev/stop`)
      .set(auth)
      .expect(400);
    expect(traversal.body.error).toMatchObject({
      name: 'InputError',
      message:
        'namespace "../x" is not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
    });
    const upper = await request(app)
      .get(`/workspaces/${ns}/Alice`)
      .set(auth)
      .expect(400);
    expect(upper.body.error.message).toMatch(
      /^name "Alice" is not a DNS-1123 label/,
    );
    await request(app).get('/workspaces?namespace=a.b').set(auth).expect(400);
    await request(app)
      .get('/workspaces?namespace=a&namespace=b')
      .set(auth)
      .expect(400);
    const unknown = await request(app)
      .post(`/workspaces/${ns}/alice-dev/restart`)
      .set(auth)
      .expect(400);
    expect(unknown.body.error.message).toBe(
      'unknown operation "restart" (allowed: start, stop)',
    );
  });
});

describe('butler routes without a cluster', () => {
  it('answers 503 with the reason, and /status says why', async () => {
    const { app } = await appFor(
      new UnavailableCluster(false, NOT_CONFIGURED_REASON),
    );
    const status = await request(app).get('/status').set(auth).expect(200);
    expect(status.body).toEqual({
      configured: false,
      reachable: false,
      reason: NOT_CONFIGURED_REASON,
    });
    for (const call of [
      request(app).get('/workspaces'),
      request(app).get('/workspaces/team-a/alice-dev'),
      request(app).post('/workspaces/team-a/alice-dev/start'),
      request(app).post('/workspaces/team-a/alice-dev/stop'),
    ]) {
      const res = await call.set(auth).expect(503);
      expect(res.body.error).toMatchObject({
        name: 'ServiceUnavailableError',
        message: NOT_CONFIGURED_REASON,
      });
    }
  });
});
