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

  async apply(objects: DesiredObject[]): Promise<ApplyResult[]> {
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
  it('records a per-object apply failure as Failed and retries it on the next sync', async () => {
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
    expect(first.condition).toMatchObject({
      type: 'Stalled',
      reason: 'ApplyFailed',
    });
    const bad = (await store.listInventory('memory')).find(
      r => r.ref.name === 'bad',
    );
    expect(bad).toMatchObject({
      hash: undefined,
      status: 'Failed',
      condition: { type: 'Stalled', reason: 'ApplyFailed' },
      lastError: 'admission webhook denied bad',
    });

    target.refuse.clear();
    const second = await sync({
      target,
      store,
      desired: { ...state, revision: 'r2' },
    });
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
