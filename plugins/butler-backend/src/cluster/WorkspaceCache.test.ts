/*
 * The watch cache against a Kubernetes API (the in-repo test server, or $TEST_KUBECONFIG):
 * it sees creates, updates and deletes; and, on the test server, which can break its watch on
 * purpose, it relists after 410 Gone, reconnects after failures, and reports a missing CRD.
 */
import {
  type ClusterTestEnvironment,
  loadButlerCrds,
  type KubeTestApiServerHandle,
  startClusterTestEnvironment,
} from '@butler-portal/kube-test-apiserver';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import {
  startTestServer,
  workspaceClient,
} from '../__testUtils__/workspaceCluster';
import { WorkspaceCache } from './WorkspaceCache';
import { WORKSPACE_CRD } from './workspaceResource';

jest.setTimeout(60_000);

describe('WorkspaceCache', () => {
  let env: ClusterTestEnvironment;
  let cache: WorkspaceCache;
  let ns: string;

  beforeAll(async () => {
    env = await startClusterTestEnvironment({ crds: [WORKSPACE_CRD] });
    ns = env.namespace;
    cache = new WorkspaceCache({ kubeConfig: env.kubeConfig, backoffMs: 20 });
    await cache.start();
  });
  afterAll(async () => {
    await cache.stop();
    await env.cleanup();
  });

  it('is ready once listed and watching', () => {
    expect(cache.state()).toEqual({ ready: true });
  });

  it('sees a Workspace created, updated and deleted', async () => {
    const ws = workspaceClient(env.kubeConfig);
    const events: string[] = [];
    const off = cache.onChange(e => {
      if (e.object.metadata.namespace === ns)
        events.push(`${e.type} ${e.object.metadata.name}`);
    });

    await ws.create(ns, 'cache-1');
    const added = await eventually(() => cache.get(ns, 'cache-1'), 'the add');
    expect(added).toMatchObject({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: { namespace: ns, name: 'cache-1' },
      spec: { image: 'ghcr.io/butlerlabs/workspace:1.0' },
    });

    await ws.mergePatch(ns, 'cache-1', { spec: { image: 'ws:2' } });
    await ws.setStatus(ns, 'cache-1', { phase: 'Running', connected: true });
    await eventually(
      () =>
        cache.get(ns, 'cache-1')?.status?.phase === 'Running'
          ? true
          : undefined,
      'the status update',
    );
    expect(cache.get(ns, 'cache-1')?.spec?.image).toBe('ws:2');
    expect(cache.list(ns).map(w => w.metadata.name)).toEqual(['cache-1']);

    await ws.delete(ns, 'cache-1');
    await eventually(
      () => (cache.get(ns, 'cache-1') ? undefined : true),
      'the delete',
    );
    expect(cache.list(ns)).toEqual([]);
    expect(events).toEqual([
      `add cache-1`,
      `update cache-1`,
      `update cache-1`,
      `delete cache-1`,
    ]);
    off();
  });

  it('lists all namespaces, sorted, and one namespace on request', async () => {
    const ws = workspaceClient(env.kubeConfig);
    await ws.create(ns, 'b-ws');
    await ws.create(ns, 'a-ws');
    await eventually(
      () => (cache.list(ns).length === 2 ? true : undefined),
      'both workspaces',
    );
    expect(cache.list(ns).map(w => w.metadata.name)).toEqual(['a-ws', 'b-ws']);
    expect(cache.list().filter(w => w.metadata.namespace === ns)).toHaveLength(
      2,
    );
    expect(cache.list('no-such-namespace')).toEqual([]);
  });
});

describe('WorkspaceCache when the watch breaks (test API server)', () => {
  let server: KubeTestApiServerHandle;
  let cache: WorkspaceCache;

  afterEach(async () => {
    await cache?.stop();
    await server?.stop();
  });

  it('relists after 410 Gone: changes made while the watch was down are seen, deletions too', async () => {
    server = await startTestServer();
    const ws = workspaceClient(server.kubeconfig);
    await ws.create('team-a', 'stays');
    await ws.create('team-a', 'goes');
    // a long first backoff: the window in which the cluster changes unwatched
    cache = new WorkspaceCache({
      kubeConfig: server.kubeconfig,
      backoffMs: 500,
    });
    await cache.start();
    expect(cache.list('team-a').map(w => w.metadata.name)).toEqual([
      'goes',
      'stays',
    ]);
    const lists = () =>
      server
        .requests()
        .filter(r => r.method === 'GET' && !/watch=true/.test(r.query)).length;
    const listsBefore = lists();

    // take the watch down, change things, and forget the history it would resume from
    server.inject({
      match: r => r.query.get('watch') === 'true',
      times: 1,
      respond: 'error',
    });
    server.closeWatches();
    await eventually(
      () => (cache.state().ready ? undefined : true),
      'the watch to fail',
    );
    await ws.delete('team-a', 'goes');
    await ws.mergePatch('team-a', 'stays', { spec: { image: 'ws:3' } });
    server.compactWatchHistory();
    const deleted = eventually(
      () => (cache.get('team-a', 'goes') ? undefined : true),
      'the deletion after the relist',
    );

    await deleted;
    await eventually(
      () =>
        cache.get('team-a', 'stays')?.spec?.image === 'ws:3' ? true : undefined,
      'the update after the relist',
    );
    expect(lists()).toBeGreaterThan(listsBefore);
    expect(cache.state()).toEqual({ ready: true });
  });

  it('reports the cluster unreachable while the watch fails, and reconnects with backoff', async () => {
    server = await startTestServer();
    cache = new WorkspaceCache({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
    });
    await cache.start();
    expect(cache.state().ready).toBe(true);

    const fault = server.inject({
      match: r => r.query.get('watch') === 'true',
      times: 3,
      respond: { code: 503, reason: 'ServiceUnavailable', message: 'down' },
    });
    server.closeWatches();
    const down = await eventually(
      () => (cache.state().ready ? undefined : cache.state()),
      'the watch failure',
    );
    expect(down).toEqual({
      ready: false,
      reason: expect.stringMatching(
        /^watching workspaces\.butler\.butlerlabs\.dev failed: HTTP 503/,
      ),
    });
    await eventually(
      () => (cache.state().ready ? true : undefined),
      'the reconnect',
    );
    expect(fault.hits).toBe(3);

    await workspaceClient(server.kubeconfig).create('team-a', 'after-outage');
    await eventually(
      () => cache.get('team-a', 'after-outage'),
      'a workspace created after the outage',
    );
  });

  it('reports a missing CRD without crashing, and starts watching once it is installed', async () => {
    server = await startTestServer({ crds: [] });
    cache = new WorkspaceCache({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
      maxBackoffMs: 100,
    });
    await cache.start();
    expect(cache.state()).toEqual({
      ready: false,
      reason: `CRD ${WORKSPACE_CRD} not installed`,
      crdMissing: true,
    });

    for (const crd of loadButlerCrds([WORKSPACE_CRD])) server.createObject(crd);
    await eventually(
      () => (cache.state().ready ? true : undefined),
      'the watch after the CRD was installed',
    );
    await workspaceClient(server.kubeconfig).create('team-a', 'late');
    await eventually(() => cache.get('team-a', 'late'), 'the new workspace');
  });

  it('gives up on a cluster that accepts the connection but never answers, and retries', async () => {
    server = await startTestServer();
    const fault = server.inject({
      match: () => true,
      times: 2,
      respond: 'hang',
    });
    cache = new WorkspaceCache({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
      requestTimeoutMs: 200,
    });
    await cache.start();
    expect(cache.state()).toEqual({
      ready: false,
      reason: 'the management cluster did not answer within 0.2s',
    });
    await eventually(
      () => (cache.state().ready ? true : undefined),
      'the watch once the cluster answers',
    );
    expect(fault.hits).toBe(2);
  });

  it('gives up on a watch request that is never answered, though the list was', async () => {
    server = await startTestServer();
    const fault = server.inject({
      match: r => r.query.get('watch') === 'true',
      times: 1,
      respond: 'hang',
    });
    cache = new WorkspaceCache({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
      requestTimeoutMs: 200,
    });
    await cache.start();
    expect(cache.state()).toEqual({
      ready: false,
      reason: 'the management cluster did not answer within 0.2s',
    });
    await eventually(
      () => (cache.state().ready ? true : undefined),
      'the second watch request',
    );
    expect(fault.hits).toBe(1);
    await workspaceClient(server.kubeconfig).create('team-a', 'after-hang');
    await eventually(
      () => cache.get('team-a', 'after-hang'),
      'a workspace created after the hang',
    );
  });

  it('keeps an answered watch that stays quiet longer than the time limit', async () => {
    server = await startTestServer();
    cache = new WorkspaceCache({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
      requestTimeoutMs: 100,
    });
    await cache.start();
    const watches = () =>
      server.requests().filter(r => /watch=true/.test(r.query)).length;
    const before = watches();
    // no Workspace changes: the stream sends nothing for several time limits
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(cache.state()).toEqual({ ready: true });
    expect(watches()).toBe(before);
  });

  it('stops watching on stop()', async () => {
    server = await startTestServer();
    cache = new WorkspaceCache({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
    });
    await cache.start();
    await cache.stop();
    expect(cache.state()).toEqual({ ready: false, reason: 'stopped' });
    const requests = server.requests().length;
    server.closeWatches();
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(server.requests().length).toBe(requests);
  });
});
