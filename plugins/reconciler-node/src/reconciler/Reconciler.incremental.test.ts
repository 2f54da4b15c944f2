/*
 * A sync between drift checks reads only what the merge changed: the paths changed between the
 * synced commit and the new one (a tree diff), their blobs, and the inventory rows of their
 * objects. These tests hold it to the same outcome as a sync that reads everything, merge after
 * merge, and to a number of reads that does not grow with the repository.
 */
import fs from 'fs';
import path from 'path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  snapshotReaderFor,
  type FileOperation,
} from '@butler-portal/plugin-gitops-node';
import {
  LocalGitProvider,
  ensureLocalRepository,
} from '@butler-portal/plugin-gitops-backend-module-local';
import {
  makeTempDir,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { DirectoryTarget } from '../targets/directory/DirectoryTarget';
import { Reconciler } from './Reconciler';
import { DatabaseReconcilerStore } from './store/DatabaseReconcilerStore';
import type { ReconcilerStore } from './store/ReconcilerStore';
import { alice, mergeChanges } from './testing/mergeChange';
import { CountingTarget, workspaceYaml } from './testing/resources';
import type { InventoryRecord, SyncResult } from './types';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

afterEach(removeTempDirs);

const file = (name: string) => `workspaces/team-a/${name}.yaml`;

/** a store that counts the inventory rows it hands out */
function counted(store: ReconcilerStore) {
  const counts = { inventoryRows: 0 };
  const wrapped: ReconcilerStore = Object.create(store);
  wrapped.listInventory = async (target, options) => {
    const rows = await store.listInventory(target, options);
    counts.inventoryRows += rows.length;
    return rows;
  };
  return { store: wrapped, counts };
}

/**
 * The reads of `provider`, failing once for the file at `path` (blob `blob`): a transient
 * provider error, as both a bulk read and a single one; every read after succeeds.
 */
function readsFailingOnce(
  provider: LocalGitProvider,
  failing?: { path: string; blob: string },
) {
  let failed = !failing;
  return {
    readFile: async (filePath: string, ref?: string) => {
      if (!failed && filePath === failing!.path) {
        failed = true;
        return undefined;
      }
      return provider.readFile(filePath, ref);
    },
    readBlobs: async (ids: readonly string[]) => {
      const blobs = await provider.readBlobs(ids);
      if (!failed) blobs.delete(failing!.blob);
      return blobs;
    },
  };
}

/**
 * A repository of `size` Workspaces, and two reconcilers of it with targets and stores of their
 * own: `incremental` as deployed, `full` listing every commit whole and comparing everything
 * at every sync (its provider has no tree diff, and every sync is a drift check). With
 * `unreadableOnce`, each side's first read of that file fails.
 */
async function setup(size: number, options: { unreadableOnce?: string } = {}) {
  const root = await makeTempDir('butler-incremental-');
  const template = path.join(root, 'layout');
  await fs.promises.mkdir(path.join(template, 'workspaces/team-a'), {
    recursive: true,
  });
  for (let i = 0; i < size; i++) {
    await fs.promises.writeFile(
      path.join(template, file(`ws-${i}`)),
      workspaceYaml(`ws-${i}`),
    );
  }
  const dir = path.join(root, 'platform.git');
  await ensureLocalRepository({
    dir,
    templateDir: template,
    initialAuthor: alice,
  });
  const provider = new LocalGitProvider({ repository: 'platform', dir });
  const withoutDiff = new LocalGitProvider({ repository: 'platform', dir });
  const failing = options.unreadableOnce && {
    path: options.unreadableOnce,
    blob: (
      await provider.listTree(await provider.head(), options.unreadableOnce)
    )[0].sha,
  };
  const noDiff = {
    head: withoutDiff.head.bind(withoutDiff),
    listTree: withoutDiff.listTree.bind(withoutDiff),
    ...readsFailingOnce(withoutDiff, failing || undefined),
    setCommitStatus: withoutDiff.setCommitStatus.bind(withoutDiff),
  };
  const withDiff = failing
    ? {
        head: provider.head.bind(provider),
        listTree: provider.listTree.bind(provider),
        changedPaths: provider.changedPaths.bind(provider),
        ...readsFailingOnce(provider, failing),
        setCommitStatus: provider.setCommitStatus.bind(provider),
      }
    : provider;
  const side = async (name: string, sideOptions: { full: boolean }) => {
    const out = path.join(root, name);
    const target = new CountingTarget(new DirectoryTarget({ root: out }));
    const { store, counts } = counted(
      await DatabaseReconcilerStore.create(await databases.init('SQLITE_3')),
    );
    const reconciler = new Reconciler({
      provider: sideOptions.full ? noDiff : withDiff,
      target,
      store,
      commitStatusContext: false,
      ...(sideOptions.full && { driftCheckIntervalMs: 0 }),
    });
    return { out, target, store, counts, reconciler };
  };
  return {
    provider,
    reader: snapshotReaderFor({ provider: withDiff }),
    merge: mergeChanges(provider),
    incremental: await side('incremental', { full: false }),
    full: await side('full', { full: true }),
  };
}

/** a result with its lists as sorted names, comparable between the two sides */
function outcome(result: SyncResult) {
  const names = (refs: Array<{ name: string }>) => refs.map(r => r.name).sort();
  return {
    revision: result.revision,
    applied: names(result.applied),
    pruned: names(result.pruned),
    unchanged: names(result.unchanged),
    failed: names(result.failed.map(f => f.ref)),
    withheldPrunes: names(result.withheldPrunes),
    invalidFiles: result.invalidFiles.map(f => f.path).sort(),
    condition: result.condition,
  };
}

/** the inventory without its timestamps */
function records(rows: InventoryRecord[]) {
  return rows.map(({ updatedAt: _updatedAt, ...rest }) => rest);
}

async function files(dir: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const entry of await fs.promises
      .readdir(d, { withFileTypes: true })
      .catch(() => [])) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else found[path.relative(dir, p)] = await fs.promises.readFile(p, 'utf8');
    }
  };
  await walk(dir);
  return found;
}

/**
 * a sync on each side, held to the same result, inventory and target; the incremental side's
 * result and how many tree listings it took
 */
async function syncBoth({
  incremental,
  full,
  reader,
}: Awaited<ReturnType<typeof setup>>) {
  const listings = reader.stats.treeListings;
  const a = await incremental.reconciler.runOnce();
  const incrementalListings = reader.stats.treeListings - listings;
  const b = await full.reconciler.runOnce();
  expect(outcome(a)).toEqual(outcome(b));
  expect(
    records(await incremental.store.listInventory(incremental.target.name)),
  ).toEqual(records(await full.store.listInventory(incremental.target.name)));
  expect(await files(incremental.out)).toEqual(await files(full.out));
  return { a, incrementalListings };
}

describe('Reconciler, a sync of what a merge changed', () => {
  it('ends where a sync of everything ends, through adds, edits, deletes, renames and a broken file', async () => {
    const sides = await setup(12);
    const both = () => syncBoth(sides);
    const step = async (...operations: FileOperation[]) => {
      await sides.merge(...operations);
      return both();
    };

    const first = await both();
    expect(first.a.applied).toHaveLength(12);

    const add = await step({
      action: 'create',
      path: file('new-1'),
      content: workspaceYaml('new-1'),
    });
    expect(add.a.applied.map(r => r.name)).toEqual(['new-1']);
    // the incremental side read the change, not the tree
    expect(add.incrementalListings).toBe(0);

    const edit = await step({
      action: 'update',
      path: file('ws-3'),
      content: workspaceYaml('ws-3', 'carol@example.com'),
    });
    expect(edit.a.applied.map(r => r.name)).toEqual(['ws-3']);

    const del = await step({ action: 'delete', path: file('ws-4') });
    expect(del.a.pruned.map(r => r.name)).toEqual(['ws-4']);

    // a rename: the old name leaves, the new one comes
    const rename = await step(
      { action: 'delete', path: file('ws-5') },
      {
        action: 'create',
        path: file('ws-5-renamed'),
        content: workspaceYaml('ws-5-renamed'),
      },
    );
    expect(rename.a.applied.map(r => r.name)).toEqual(['ws-5-renamed']);
    expect(rename.a.pruned.map(r => r.name)).toEqual(['ws-5']);

    // a broken file deletes nothing, whichever way the commit was read
    const broken = await step(
      { action: 'update', path: file('ws-6'), content: 'kind: [' },
      { action: 'delete', path: file('ws-7') },
    );
    expect(broken.a.pruned).toEqual([]);
    expect(broken.a.condition).toMatchObject({ reason: 'ValidationFailed' });

    // fixed: what was withheld is pruned now, from either side
    const fixed = await step({
      action: 'update',
      path: file('ws-6'),
      content: workspaceYaml('ws-6', 'dave@example.com'),
    });
    expect(fixed.a.pruned.map(r => r.name)).toEqual(['ws-7']);
    expect(fixed.a.condition).toMatchObject({ type: 'Ready' });

    const mixed = await step(
      { action: 'delete', path: file('ws-8') },
      {
        action: 'update',
        path: file('ws-9'),
        content: workspaceYaml('ws-9', 'erin@example.com'),
      },
      {
        action: 'create',
        path: file('new-2'),
        content: workspaceYaml('new-2'),
      },
    );
    expect(mixed.a.applied.map(r => r.name).sort()).toEqual(['new-2', 'ws-9']);
    expect(mixed.a.pruned.map(r => r.name)).toEqual(['ws-8']);
    expect(mixed.incrementalListings).toBe(0);
  }, 60_000);

  it('reads a file that failed to read once at the next merge, and ends where a sync of everything ends', async () => {
    const unreadable = file('ws-2');
    const sides = await setup(6, { unreadableOnce: unreadable });
    const step = async (...operations: FileOperation[]) => {
      await sides.merge(...operations);
      return syncBoth(sides);
    };

    // the failed read is reported on both sides: nothing of it applied, nothing deleted
    const first = await syncBoth(sides);
    expect(first.a.invalidFiles.map(f => f.path)).toEqual([unreadable]);
    expect(first.a.applied).toHaveLength(5);
    expect(first.a.condition).toMatchObject({ reason: 'ValidationFailed' });

    // a merge that changes another file: ws-2.yaml is read again, and is valid
    const edit = await step({
      action: 'update',
      path: file('ws-1'),
      content: workspaceYaml('ws-1', 'carol@example.com'),
    });
    expect(edit.incrementalListings).toBe(0);
    expect(edit.a.invalidFiles).toEqual([]);
    expect(edit.a.applied.map(r => r.name).sort()).toEqual(['ws-1', 'ws-2']);
    expect(edit.a.condition).toMatchObject({ type: 'Ready' });

    // and deletes go through again, merge after merge
    const del = await step({ action: 'delete', path: file('ws-3') });
    expect(del.incrementalListings).toBe(0);
    expect(del.a.pruned.map(r => r.name)).toEqual(['ws-3']);
  }, 60_000);

  it('still applies the prune guard to what a merge removes', async () => {
    const { merge, incremental, full } = await setup(15);
    await incremental.reconciler.runOnce();
    await full.reconciler.runOnce();
    await merge(
      ...Array.from({ length: 11 }, (_, i) => ({
        action: 'delete' as const,
        path: file(`ws-${i}`),
      })),
    );
    const a = await incremental.reconciler.runOnce();
    const b = await full.reconciler.runOnce();
    expect(outcome(a)).toEqual(outcome(b));
    expect(a.pruned).toEqual([]);
    expect(a.withheldPrunes).toHaveLength(11);
    expect(a.condition).toMatchObject({
      type: 'Stalled',
      reason: 'PruneGuard',
    });
  }, 60_000);

  it('reads as much for a one-file merge in a repository of 300 files as in one of 30', async () => {
    const reads = async (size: number) => {
      const { merge, incremental, reader } = await setup(size);
      await incremental.reconciler.runOnce();
      await merge({
        action: 'update',
        path: file('ws-1'),
        content: workspaceYaml('ws-1', 'carol@example.com'),
      });
      const before = { ...reader.stats };
      const rows = incremental.counts.inventoryRows;
      const listings = incremental.target.listings.length;
      const result = await incremental.reconciler.runOnce();
      expect(result.applied.map(r => r.name)).toEqual(['ws-1']);
      expect(result.unchanged).toHaveLength(size - 1);
      return {
        blobReads: reader.stats.blobReads - before.blobReads,
        treeListings: reader.stats.treeListings - before.treeListings,
        inventoryRows: incremental.counts.inventoryRows - rows,
        targetReads: incremental.target.listings
          .slice(listings)
          .map(refs => refs?.length ?? Infinity),
      };
    };
    const small = await reads(30);
    const large = await reads(300);
    expect(small).toEqual({
      blobReads: 1,
      treeListings: 0,
      inventoryRows: 1,
      targetReads: [1],
    });
    expect(large).toEqual(small);
  }, 60_000);
});
