/*
 * Watch through @kubernetes/client-node: its Watch (raw events) and its informer (list, then
 * watch from the list's resourceVersion).
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObject,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import {
  KubeTestApiServerHandle,
  startKubeTestApiServer,
} from './startKubeTestApiServer';
import { EventQueue } from './__testUtils__/EventQueue';
import {
  startWithWidgets,
  WIDGETS,
  WIDGETS_CRD,
  WIDGETS_IN_DEFAULT,
} from './testUtils';

const summary = (e: { type: string; object: any }) =>
  `${e.type} ${e.object.metadata?.name}`;

describe('watch', () => {
  let server: KubeTestApiServerHandle;
  let custom: CustomObjectsApi;
  let watch: Watch;
  const controllers: AbortController[] = [];

  beforeEach(async () => {
    server = await startWithWidgets();
    custom = server.kubeconfig.makeApiClient(CustomObjectsApi);
    watch = new Watch(server.kubeconfig);
  });
  afterEach(async () => {
    controllers.splice(0).forEach(c => c.abort());
    await server.stop();
  });

  const create = (name: string, labels: Record<string, string> = {}) =>
    custom.createNamespacedCustomObject({
      ...WIDGETS_IN_DEFAULT,
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name, labels },
        spec: { size: 1 },
      },
    }) as Promise<any>;
  const patch = (name: string, body: object) =>
    custom.patchNamespacedCustomObject(
      {
        ...WIDGETS_IN_DEFAULT,
        name,
        body,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ) as Promise<any>;
  const remove = (name: string) =>
    custom.deleteNamespacedCustomObject({
      ...WIDGETS_IN_DEFAULT,
      name,
    });
  const start = async (params: Record<string, string | number> = {}) => {
    const queue = new EventQueue();
    controllers.push(
      await watch.watch(WIDGETS, params, queue.push, queue.finish),
    );
    return queue;
  };

  it('starts with the existing objects, then streams ADDED, MODIFIED and DELETED', async () => {
    await create('a');
    const events = await start();
    expect(summary(await events.next())).toBe('ADDED a');
    await create('b');
    await patch('a', { spec: { size: 2 } });
    await remove('b');
    const seen = [
      await events.next(),
      await events.next(),
      await events.next(),
    ];
    expect(seen.map(summary)).toEqual(['ADDED b', 'MODIFIED a', 'DELETED b']);
    expect(seen[1].object.spec.size).toBe(2);
    expect(seen[1].object.apiVersion).toBe('example.com/v1');
    expect(Number(seen[2].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(seen[1].object.metadata.resourceVersion),
    );
  });

  it('resumes after a resourceVersion', async () => {
    const a = await create('a');
    await create('b');
    await patch('a', { spec: { size: 3 } });
    const events = await start({ resourceVersion: a.metadata.resourceVersion });
    expect([await events.next(), await events.next()].map(summary)).toEqual([
      'ADDED b',
      'MODIFIED a',
    ]);
  });

  it('applies the label selector to transitions: entering is ADDED, leaving is DELETED', async () => {
    await create('w', { tier: 'db' });
    const events = await start({ labelSelector: 'tier=web' });
    await patch('w', { metadata: { labels: { tier: 'web' } } });
    expect(summary(await events.next())).toBe('ADDED w');
    await patch('w', { spec: { size: 4 } });
    expect(summary(await events.next())).toBe('MODIFIED w');
    await patch('w', { metadata: { labels: { tier: 'db' } } });
    const left = await events.next();
    expect(summary(left)).toBe('DELETED w');
    expect(left.object.metadata.labels).toEqual({ tier: 'db' });
  });

  it('answers a resourceVersion older than the kept history with an ERROR event: 410 Expired', async () => {
    const a = await create('a');
    await create('b');
    server.compactWatchHistory();
    const events = await start({ resourceVersion: a.metadata.resourceVersion });
    const error = await events.next();
    expect(error.type).toBe('ERROR');
    expect(error.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
    });
    expect(await events.closedWith()).toBeNull();
  });

  it('names the last forgotten resourceVersion in the 410 message when the history window is full', async () => {
    const small = await startKubeTestApiServer({
      crds: [WIDGETS_CRD],
      watchHistorySize: 3,
    });
    try {
      const api = small.kubeconfig.makeApiClient(CustomObjectsApi);
      const created: any[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) {
        created.push(
          await api.createNamespacedCustomObject({
            ...WIDGETS_IN_DEFAULT,
            body: {
              apiVersion: 'example.com/v1',
              kind: 'Widget',
              metadata: { name },
              spec: { size: 1 },
            },
          }),
        );
      }
      const rv = (o: any) => Number(o.metadata.resourceVersion);
      // the window holds c, d and e: b's resourceVersion is the last one forgotten
      const events = new EventQueue();
      const w = new Watch(small.kubeconfig);
      controllers.push(
        await w.watch(
          WIDGETS,
          { resourceVersion: String(rv(created[0])) },
          events.push,
          events.finish,
        ),
      );
      expect((await events.next()).object.message).toBe(
        `too old resource version: ${rv(created[0])} (${rv(created[1])})`,
      );
      // from b on, the history still reaches back
      const resumed = new EventQueue();
      controllers.push(
        await w.watch(
          WIDGETS,
          { resourceVersion: String(rv(created[1])) },
          resumed.push,
          resumed.finish,
        ),
      );
      expect(
        [await resumed.next(), await resumed.next(), await resumed.next()].map(
          summary,
        ),
      ).toEqual(['ADDED c', 'ADDED d', 'ADDED e']);
    } finally {
      controllers.splice(0).forEach(c => c.abort());
      await small.stop();
    }
  });

  it('ends the stream after timeoutSeconds', async () => {
    const events = await start({ timeoutSeconds: 1 });
    expect(await events.closedWith()).toBeNull();
    expect(events.pending).toBe(0);
  });

  it('sends bookmarks every watchBookmarkIntervalMs once the resourceVersion moved, not after the initial events', async () => {
    const fast = await startKubeTestApiServer({
      crds: [WIDGETS_CRD],
      namespaces: ['default'],
      watchBookmarkIntervalMs: 100,
    });
    try {
      const events = new EventQueue();
      controllers.push(
        await new Watch(fast.kubeconfig).watch(
          WIDGETS,
          { allowWatchBookmarks: 'true' },
          events.push,
          events.finish,
        ),
      );
      // nothing has been written since the watch started: no bookmark in three intervals
      await new Promise(resolve => setTimeout(resolve, 350));
      expect(events.pending).toBe(0);
      // a write of another kind moves the resourceVersion: the next bookmark carries it
      await fast.kubeconfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'elsewhere' } },
      });
      const bookmark = await events.next();
      expect(bookmark).toEqual({
        type: 'BOOKMARK',
        object: {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { resourceVersion: String(fast.resourceVersion()) },
        },
      });
      expect((await events.next()).type).toBe('BOOKMARK');
    } finally {
      controllers.splice(0).forEach(c => c.abort());
      await fast.stop();
    }
  });

  it('drops watch connections with a reset; a watch resumed from the last resourceVersion seen gets exactly the missed events', async () => {
    const a = await create('a');
    const events = await start({ resourceVersion: a.metadata.resourceVersion });
    await create('b');
    const b = await events.next();
    expect(summary(b)).toBe('ADDED b');

    expect(server.resetWatches('/widgets')).toBe(1);
    // the client sees a broken connection, not the clean end of a stream (done(null))
    const error: any = await events.closedWith();
    expect(error).not.toBeNull();
    expect(`${error.code} ${error.message}`).toMatch(/ECONNRESET/);

    // written while no watch was open
    await patch('a', { spec: { size: 2 } });
    await create('c');
    await remove('b');
    const resumed = await start({
      resourceVersion: b.object.metadata.resourceVersion,
    });
    expect(
      [await resumed.next(), await resumed.next(), await resumed.next()].map(
        summary,
      ),
    ).toEqual(['MODIFIED a', 'ADDED c', 'DELETED b']);
    await create('d');
    expect(summary(await resumed.next())).toBe('ADDED d');
    expect(resumed.pending).toBe(0);
  });

  it('feeds client-node informers (list, then watch from the list resourceVersion)', async () => {
    await create('a');
    const informer = makeInformer<KubernetesObject>(
      server.kubeconfig,
      WIDGETS,
      () =>
        custom.listNamespacedCustomObject({
          ...WIDGETS_IN_DEFAULT,
        }) as any,
    );
    const events = new EventQueue();
    informer.on('add', o => events.push('add', o));
    informer.on('update', o => events.push('update', o));
    informer.on('delete', o => events.push('delete', o));
    await informer.start();
    try {
      expect(summary(await events.next())).toBe('add a');
      await create('b');
      expect(summary(await events.next())).toBe('add b');
      await patch('a', { spec: { size: 9 } });
      expect(summary(await events.next())).toBe('update a');
      await remove('a');
      expect(summary(await events.next())).toBe('delete a');
      expect(informer.list('default').map(o => o.metadata?.name)).toEqual([
        'b',
      ]);
    } finally {
      await informer.stop();
    }
  });
});
