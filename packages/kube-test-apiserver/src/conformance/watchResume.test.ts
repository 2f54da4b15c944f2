/*
 * Conformance: what a client resuming watches relies on — events after a resourceVersion and
 * nothing else, 410 Expired for a resourceVersion the server no longer keeps, bookmarks before
 * the watch times out. Runs against the test API server (with a small history window), or a
 * real cluster with $TEST_KUBECONFIG, through client-node's Watch.
 */
import { PatchStrategy, Watch } from '@kubernetes/client-node';
import { EventQueue } from '../__testUtils__/EventQueue';
import {
  ConformanceCluster,
  MANAGED_BY,
  startConformanceCluster,
  WORKSPACE_API_VERSION,
} from './conformanceCluster';

const summary = (e: { type: string; object: any }) =>
  `${e.type} ${e.object.metadata?.name}`;

describe('watch resume (conformance)', () => {
  let cluster: ConformanceCluster;
  let watch: Watch;
  let path: string;
  const controllers: AbortController[] = [];

  beforeAll(async () => {
    // a history of 20 events, so that the 410 case is reachable on the test server
    cluster = await startConformanceCluster({ watchHistorySize: 20 });
    watch = new Watch(cluster.env.kubeConfig);
    path = `/apis/butler.butlerlabs.dev/v1alpha1/namespaces/${cluster.env.namespace}/workspaces`;
  });
  afterEach(() => controllers.splice(0).forEach(c => c.abort()));
  afterAll(() => cluster.cleanup());

  const start = async (params: Record<string, string | number>) => {
    const queue = new EventQueue();
    controllers.push(await watch.watch(path, params, queue.push, queue.finish));
    return queue;
  };
  const apply = (name: string, image = 'img:1') =>
    cluster.apply(
      cluster.workspace(name, { image, owner: 'alice@example.com' }),
      'butler-portal',
      true,
    );

  it('delivers exactly the events after the resourceVersion a watch resumes from', async () => {
    const a = await apply('resume-a');
    const b = await apply('resume-b');
    const c = await apply('resume-c');
    const events = await start({
      resourceVersion: a.metadata.resourceVersion,
      labelSelector: `${MANAGED_BY}=butler-portal`,
    });
    const first = await events.next();
    const second = await events.next();
    expect([first, second].map(summary)).toEqual([
      'ADDED resume-b',
      'ADDED resume-c',
    ]);
    expect(first.object.metadata.resourceVersion).toBe(
      b.metadata.resourceVersion,
    );
    expect(second.object.metadata.resourceVersion).toBe(
      c.metadata.resourceVersion,
    );
    const patched = await cluster.patch(
      'resume-a',
      { spec: { image: 'img:2' } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    const third = await events.next();
    expect(summary(third)).toBe('MODIFIED resume-a');
    expect(third.object.metadata.resourceVersion).toBe(
      patched.metadata.resourceVersion,
    );
    expect(third.object.spec.image).toBe('img:2');
    expect(events.pending).toBe(0);
  });

  it('answers a resourceVersion older than the server keeps with one ERROR event carrying a 410 Expired Status', async () => {
    // more writes than the test server's history holds (a real cluster has long compacted "1")
    await apply('expire');
    for (let i = 0; i < 25; i++) {
      await cluster.patch(
        'expire',
        { spec: { storageSize: `${i + 11}Gi` } },
        PatchStrategy.MergePatch,
        'kubectl-patch',
      );
    }
    const events = await start({ resourceVersion: '1' });
    expect(await events.next()).toEqual({
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: expect.stringMatching(/^too old resource version: 1 \(\d+\)$/),
        reason: 'Expired',
        code: 410,
      },
    });
    // the server ends the stream after the error
    expect(await events.closedWith()).toBeNull();
    expect(events.pending).toBe(0);
  });

  it('sends a bookmark with the current resourceVersion 2 s before timeoutSeconds, then ends the stream', async () => {
    const existing = await apply('bookmark-a');
    const events = await start({
      resourceVersion: existing.metadata.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: 4,
    });
    const added = await apply('bookmark-b');
    expect(summary(await events.next())).toBe('ADDED bookmark-b');
    const bookmark = await events.next();
    expect(bookmark).toEqual({
      type: 'BOOKMARK',
      object: {
        apiVersion: WORKSPACE_API_VERSION,
        kind: 'Workspace',
        metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
      },
    });
    expect(
      Number(bookmark.object.metadata.resourceVersion),
    ).toBeGreaterThanOrEqual(Number(added.metadata.resourceVersion));
    expect(await events.closedWith()).toBeNull();
  });
});
