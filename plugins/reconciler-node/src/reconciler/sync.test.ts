import fs from 'fs';
import os from 'os';
import path from 'path';
import { TestDatabases } from '@backstage/backend-test-utils';
import type {
  GitOpsResource,
  ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import { DirectoryTarget } from '../targets/directory/DirectoryTarget';
import {
  ApplyResult,
  DesiredObject,
  ManagedObject,
  SyncTarget,
  TargetApplyOptions,
  contentHash,
  withManagedByLabel,
} from '../targets/types';
import { DatabaseReconcilerStore } from './store/DatabaseReconcilerStore';
import { sync } from './sync';
import { refKey } from './types';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function desired(name: string): DesiredObject {
  const object = withManagedByLabel({
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace: 'team-a' },
    spec: { owner: `${name}@example.com` },
  } as GitOpsResource);
  return {
    ref: { kind: 'Workspace', namespace: 'team-a', name },
    object,
    hash: contentHash(object),
  };
}

/** an in-memory target that refuses the names it is told to, like an admission webhook would */
class MemoryTarget implements SyncTarget {
  readonly name = 'memory';
  readonly held = new Map<string, DesiredObject>();
  refuse = new Set<string>();
  failDeletes = false;
  readonly forced: boolean[] = [];

  async apply(
    objects: DesiredObject[],
    options: TargetApplyOptions = {},
  ): Promise<ApplyResult[]> {
    this.forced.push(!!options.force);
    return objects.map(o => {
      if (this.refuse.has(o.ref.name)) {
        return {
          ref: o.ref,
          ok: false,
          error: `admission webhook denied ${o.ref.name}`,
        };
      }
      this.held.set(refKey(o.ref), o);
      return { ref: o.ref, ok: true };
    });
  }
  async listManaged(): Promise<ManagedObject[]> {
    return [...this.held.values()].map(o => ({ ref: o.ref, hash: o.hash }));
  }
  async delete(ref: ResourceRef): Promise<void> {
    if (this.failDeletes) throw new Error('forbidden: cannot delete');
    this.held.delete(refKey(ref));
  }
}

describe('sync', () => {
  it('records a per-object apply failure as Failed, summarises the target as Degraded, and retries it when its backoff is due', async () => {
    const store = await DatabaseReconcilerStore.create(
      await databases.init('SQLITE_3'),
    );
    const target = new MemoryTarget();
    target.refuse.add('bad');
    const state = {
      revision: 'r1',
      objects: [desired('good'), desired('bad')],
      invalidFiles: [],
    };

    const first = await sync({ target, store, desired: state });
    expect(first.applied.map(r => r.name)).toEqual(['good']);
    expect(first.failed).toEqual([
      { ref: desired('bad').ref, error: 'admission webhook denied bad' },
    ]);
    expect(first.condition).toEqual({
      type: 'Reconciling',
      reason: 'Degraded',
      message:
        '1 of 2 failed; Workspace/team-a/bad: admission webhook denied bad',
    });
    const bad = (await store.listInventory('memory')).find(
      r => r.ref.name === 'bad',
    );
    expect(bad).toMatchObject({
      hash: undefined,
      status: 'Failed',
      condition: { type: 'Reconciling', reason: 'ApplyFailed' },
      lastError: 'admission webhook denied bad',
      retry: { hash: desired('bad').hash, attempts: 1 },
    });
    // first backoff: 10 s
    expect(Date.parse(bad!.retry!.at) - Date.parse(first.nextRetryAt!)).toBe(0);

    // before the backoff: not tried, still counted in the summary
    target.refuse.clear();
    const early = await sync({ target, store, desired: state });
    expect(early.applied).toEqual([]);
    expect(early.retrying.map(r => r.name)).toEqual(['bad']);
    expect(early.condition.reason).toBe('Degraded');

    const second = await sync(
      {
        target,
        store,
        desired: { ...state, revision: 'r2' },
      },
      { now: () => Date.now() + 11_000 },
    );
    expect(second.applied.map(r => r.name)).toEqual(['bad']);
    expect(second.unchanged.map(r => r.name)).toEqual(['good']);
    expect(second.condition.type).toBe('Ready');
    expect(
      (await store.listInventory('memory')).map(r => [
        r.ref.name,
        r.status,
        r.revision,
      ]),
    ).toEqual([
      ['bad', 'Synced', 'r2'],
      ['good', 'Synced', 'r1'],
    ]);
  });

  it('keeps applying later commits while one object fails; a change to the failed object is tried at once', async () => {
    const store = await DatabaseReconcilerStore.create(
      await databases.init('SQLITE_3'),
    );
    const target = new MemoryTarget();
    target.refuse.add('bad');
    const objects = ['a', 'b', 'c', 'bad'].map(desired);
    await sync({
      target,
      store,
      desired: { revision: 'r1', objects, invalidFiles: [] },
    });
    // a later merge adds an object: applied, the failing one waits for its backoff
    const later = await sync({
      target,
      store,
      desired: {
        revision: 'r2',
        objects: [...objects, desired('d')],
        invalidFiles: [],
      },
    });
    expect(later.applied.map(r => r.name)).toEqual(['d']);
    expect(later.retrying.map(r => r.name)).toEqual(['bad']);
    expect(later.condition).toMatchObject({
      type: 'Reconciling',
      reason: 'Degraded',
      message: expect.stringMatching(
        /^1 of 5 failed; Workspace\/team-a\/bad: /,
      ),
    });
    // every apply is forced: Git wins the fields it sets
    expect(target.forced.every(Boolean)).toBe(true);

    // a merge changing the failing object: tried now, its backoff starts over
    const changed = withManagedByLabel({
      ...desired('bad').object,
      spec: { owner: 'fixed@example.com' },
    } as GitOpsResource);
    const fixed: DesiredObject = {
      ref: desired('bad').ref,
      object: changed,
      hash: contentHash(changed),
    };
    target.refuse.clear();
    const retried = await sync({
      target,
      store,
      desired: {
        revision: 'r3',
        objects: [...objects.slice(0, 3), desired('d'), fixed],
        invalidFiles: [],
      },
    });
    expect(retried.applied.map(r => r.name)).toEqual(['bad']);
    expect(retried.condition.type).toBe('Ready');
    const record = (await store.listInventory('memory')).find(
      r => r.ref.name === 'bad',
    );
    expect(record).toMatchObject({ status: 'Synced', hash: fixed.hash });
    expect(record?.retry).toBeUndefined();
  });

  it('counts thousands of objects in the summary and names the first few failures', async () => {
    const store = await DatabaseReconcilerStore.create(
      await databases.init('SQLITE_3'),
    );
    const target = new MemoryTarget();
    const objects = Array.from({ length: 1200 }, (_, i) => desired(`ws-${i}`));
    for (let i = 0; i < 7; i++) target.refuse.add(`ws-${i}`);
    const result = await sync({
      target,
      store,
      desired: { revision: 'r1', objects, invalidFiles: [] },
    });
    expect(result.condition.message).toMatch(/^7 of 1,200 failed; /);
    expect(result.condition.message).toContain('Workspace/team-a/ws-4: ');
    expect(result.condition.message).not.toContain('Workspace/team-a/ws-5: ');
    expect(result.condition.message).toMatch(/; and 2 more$/);
  });

  it('keeps an object whose deletion fails in the inventory as Failed', async () => {
    const store = await DatabaseReconcilerStore.create(
      await databases.init('SQLITE_3'),
    );
    const target = new MemoryTarget();
    await sync({
      target,
      store,
      desired: { revision: 'r1', objects: [desired('a')], invalidFiles: [] },
    });
    target.failDeletes = true;

    const result = await sync({
      target,
      store,
      desired: { revision: 'r2', objects: [], invalidFiles: [] },
    });
    expect(result.pruned).toEqual([]);
    expect(result.failed).toEqual([
      { ref: desired('a').ref, error: 'forbidden: cannot delete' },
    ]);
    expect(await store.listInventory('memory')).toEqual([
      expect.objectContaining({
        status: 'Failed',
        condition: expect.objectContaining({ reason: 'PruneFailed' }),
      }),
    ]);

    target.failDeletes = false;
    const retried = await sync({
      target,
      store,
      desired: { revision: 'r2', objects: [], invalidFiles: [] },
    });
    expect(retried.pruned).toEqual([desired('a').ref]);
    expect(await store.listInventory('memory')).toEqual([]);
  });

  it('forgets, but never deletes, an owned object someone replaced with an unlabelled one', async () => {
    const root = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'butler-sync-'),
    );
    try {
      const store = await DatabaseReconcilerStore.create(
        await databases.init('SQLITE_3'),
      );
      const target = new DirectoryTarget({ root });
      await sync({
        target,
        store,
        desired: { revision: 'r1', objects: [desired('a')], invalidFiles: [] },
      });
      const file = path.join(root, 'workspaces/team-a/a.yaml');
      const handMade =
        'apiVersion: butler.butlerlabs.dev/v1alpha1\nkind: Workspace\nmetadata:\n  name: a\n  namespace: team-a\n';
      await fs.promises.writeFile(file, handMade);

      const result = await sync({
        target,
        store,
        desired: { revision: 'r2', objects: [], invalidFiles: [] },
      });
      expect(result.pruned).toEqual([desired('a').ref]);
      expect(await fs.promises.readFile(file, 'utf8')).toBe(handMade);
      expect(await store.listInventory('directory')).toEqual([]);
    } finally {
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  });
});
