/*
 * Watch through @kubernetes/client-node: its Watch (raw events) and its informer (list, then
 * watch from the list's resourceVersion).
 */
import {
  CustomObjectsApi,
  KubernetesObject,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { KubeTestApiServerHandle } from './startKubeTestApiServer';
import { startWithWidgets, WIDGETS, WIDGETS_IN_DEFAULT } from './testUtils';

/** Events as they arrive; next() waits for the following one. */
class EventQueue {
  private readonly events: Array<{ type: string; object: any }> = [];
  private waiters: Array<() => void> = [];
  done?: unknown;
  closed = false;

  push = (type: string, object: any) => {
    this.events.push({ type, object });
    this.wake();
  };

  finish = (err: unknown) => {
    this.done = err;
    this.closed = true;
    this.wake();
  };

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(w => w());
  }

  async next(): Promise<{ type: string; object: any }> {
    while (this.events.length === 0) {
      if (this.closed) throw new Error(`watch ended: ${String(this.done)}`);
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
    return this.events.shift()!;
  }

  async closedWith(): Promise<unknown> {
    while (!this.closed)
      await new Promise<void>(resolve => this.waiters.push(resolve));
    return this.done;
  }
}

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

  it('ends the stream after timeoutSeconds, and sends a bookmark when asked', async () => {
    const events = await start({
      timeoutSeconds: 1,
      allowWatchBookmarks: 'true',
    });
    const bookmark = await events.next();
    expect(bookmark.type).toBe('BOOKMARK');
    expect(bookmark.object.metadata.resourceVersion).toBe(
      String(server.resourceVersion()),
    );
    expect(await events.closedWith()).toBeNull();
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
