import fs from 'fs';
import path from 'path';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { FileOperation } from '@butler-portal/plugin-gitops-node';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { ensureLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  makeTempDir,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { DirectoryTarget } from '../targets/directory/DirectoryTarget';
import { RACY_MS } from '../targets/fileStatCache';
import type { ManagedChange, SyncTarget } from '../targets/types';
import { Reconciler, ReconcilerOptions } from './Reconciler';
import { DatabaseReconcilerStore } from './store/DatabaseReconcilerStore';
import { alice, mergeChanges } from './testing/mergeChange';
import {
  CountingTarget,
  tenantAddonYaml,
  workspaceYaml,
} from './testing/resources';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

afterEach(removeTempDirs);

/** a local repository with two applied resources and one record kind, a provider, a target, a store */
async function setup(initial: Record<string, string> = {}) {
  const root = await makeTempDir('butler-reconciler-');
  const template = path.join(root, 'layout');
  const files: Record<string, string> = {
    'README.md': '# GitOps repo\n',
    'workspaces/team-a/alice-dev.yaml': workspaceYaml('alice-dev'),
    'tenant-addons/team-a/cert-manager.yaml': tenantAddonYaml('cert-manager'),
    ...initial,
  };
  for (const [file, content] of Object.entries(files)) {
    await fs.promises.mkdir(path.dirname(path.join(template, file)), {
      recursive: true,
    });
    await fs.promises.writeFile(path.join(template, file), content);
  }
  const dir = path.join(root, 'platform.git');
  await ensureLocalRepository({
    dir,
    templateDir: template,
    initialAuthor: alice,
  });
  const provider = new LocalGitProvider({ repository: 'platform', dir });
  const out = path.join(root, 'rendered');
  const target = new CountingTarget(new DirectoryTarget({ root: out }));
  const store = await DatabaseReconcilerStore.create(
    await databases.init('SQLITE_3'),
  );
  const merge = mergeChanges(provider);
  const reconciler = (options: Partial<ReconcilerOptions> = {}) =>
    new Reconciler({ provider, target, store, ...options });
  /** the rendered files, relative to the target root */
  const rendered = async () => {
    const found: string[] = [];
    const walk = async (d: string) => {
      for (const entry of await fs.promises
        .readdir(d, { withFileTypes: true })
        .catch(() => [])) {
        if (entry.isDirectory()) await walk(path.join(d, entry.name));
        else found.push(path.relative(out, path.join(d, entry.name)));
      }
    };
    await walk(out);
    return found.sort();
  };
  const read = (file: string) =>
    fs.promises.readFile(path.join(out, file), 'utf8');
  return { provider, target, store, merge, reconciler, rendered, read, out };
}

const update = (name: string, owner: string): FileOperation => ({
  action: 'update',
  path: `workspaces/team-a/${name}.yaml`,
  content: workspaceYaml(name, owner),
});
const create = (name: string): FileOperation => ({
  action: 'create',
  path: `workspaces/team-a/${name}.yaml`,
  content: workspaceYaml(name),
});
const remove = (file: string): FileOperation => ({
  action: 'delete',
  path: file,
});

describe('Reconciler', () => {
  it('converges the directory target through create, edit and delete merges', async () => {
    const { provider, target, merge, reconciler, rendered, read } =
      await setup();
    const r = reconciler();

    const first = await r.runOnce();
    expect(first.revision).toBe(await provider.head());
    expect(first.condition).toMatchObject({ type: 'Ready', reason: 'Synced' });
    expect(first.applied).toHaveLength(2);
    expect(await rendered()).toEqual([
      'tenant-addons/team-a/cert-manager.yaml',
      'workspaces/team-a/alice-dev.yaml',
    ]);

    const created = await merge(create('bob-dev'));
    const second = await r.runOnce();
    expect(second.applied.map(ref => ref.name)).toEqual(['bob-dev']);
    expect(second.unchanged).toHaveLength(2);

    const edited = await merge(update('bob-dev', 'carol@example.com'));
    const third = await r.runOnce();
    expect(third.applied.map(ref => ref.name)).toEqual(['bob-dev']);
    expect(await read('workspaces/team-a/bob-dev.yaml')).toContain(
      'owner: carol@example.com',
    );

    const deleted = await merge(remove('workspaces/team-a/alice-dev.yaml'));
    const fourth = await r.runOnce();
    expect(fourth.pruned.map(ref => ref.name)).toEqual(['alice-dev']);
    expect(await rendered()).toEqual([
      'tenant-addons/team-a/cert-manager.yaml',
      'workspaces/team-a/bob-dev.yaml',
    ]);
    expect(target.applied).toHaveLength(4);
    expect(target.deleted).toHaveLength(1);

    const status = await r.status();
    expect(status).toMatchObject({
      revision: deleted,
      condition: { type: 'Ready', reason: 'Synced' },
    });
    expect(
      status.resources.map(s => [
        s.ref.name,
        s.status,
        s.revision,
        s.condition.type,
        s.health?.status,
      ]),
    ).toEqual([
      ['cert-manager', 'Synced', first.revision, 'Ready', 'Healthy'],
      ['bob-dev', 'Synced', edited, 'Ready', 'Healthy'],
    ]);
    expect(created).not.toBe(edited);
  });

  it('deletes nothing while a merged file is invalid, applies the valid rest, and reports the error', async () => {
    const { target, merge, reconciler, rendered } = await setup();
    const r = reconciler();
    await r.runOnce();

    await merge(
      {
        action: 'update',
        path: 'workspaces/team-a/alice-dev.yaml',
        content: 'apiVersion: [\n',
      },
      remove('tenant-addons/team-a/cert-manager.yaml'),
      create('bob-dev'),
    );
    const result = await r.runOnce();

    expect(result.pruned).toEqual([]);
    expect(result.withheldPrunes.map(ref => ref.name).sort()).toEqual([
      'alice-dev',
      'cert-manager',
    ]);
    expect(result.applied.map(ref => ref.name)).toEqual(['bob-dev']);
    expect(result.invalidFiles.map(f => f.path)).toEqual([
      'workspaces/team-a/alice-dev.yaml',
    ]);
    expect(result.condition).toMatchObject({
      type: 'Stalled',
      reason: 'ValidationFailed',
    });
    expect(result.condition.message).toContain(
      'workspaces/team-a/alice-dev.yaml:',
    );
    expect(target.deleted).toEqual([]);
    expect(await rendered()).toEqual([
      'tenant-addons/team-a/cert-manager.yaml',
      'workspaces/team-a/alice-dev.yaml',
      'workspaces/team-a/bob-dev.yaml',
    ]);

    const status = await r.status();
    expect(status.condition.reason).toBe('ValidationFailed');
    const aliceStatus = status.resources.find(s => s.ref.name === 'alice-dev')!;
    expect(aliceStatus).toMatchObject({
      status: 'OutOfSync',
      condition: { type: 'Stalled', reason: 'ValidationFailed' },
    });
    expect(aliceStatus.lastError).toMatch(
      /^workspaces\/team-a\/alice-dev\.yaml:\d+:\d+: \/: YAML syntax error/,
    );
    expect(
      status.resources.find(s => s.ref.name === 'cert-manager'),
    ).toMatchObject({
      status: 'OutOfSync',
      condition: { type: 'Stalled', reason: 'ValidationFailed' },
    });

    // once the file is fixed, the withheld deletion happens
    await merge(update('alice-dev', 'alice@example.com'));
    const fixed = await r.runOnce();
    expect(fixed.condition.type).toBe('Ready');
    expect(fixed.pruned.map(ref => ref.name)).toEqual(['cert-manager']);
    expect(await rendered()).toEqual([
      'workspaces/team-a/alice-dev.yaml',
      'workspaces/team-a/bob-dev.yaml',
    ]);
  });

  it('prunes nothing and stalls when more objects leave Git than the guard allows', async () => {
    const { merge, reconciler, rendered } = await setup();
    await reconciler().runOnce();
    await merge(
      remove('workspaces/team-a/alice-dev.yaml'),
      remove('tenant-addons/team-a/cert-manager.yaml'),
    );

    const guarded = await reconciler({ maxDeletionsPerSync: 1 }).runOnce();
    expect(guarded.pruned).toEqual([]);
    expect(guarded.withheldPrunes).toHaveLength(2);
    expect(guarded.condition).toMatchObject({
      type: 'Stalled',
      reason: 'PruneGuard',
    });
    expect(guarded.condition.message).toMatch(
      /2 objects left Git .* more than the 1 one sync may delete/,
    );
    expect(await rendered()).toHaveLength(2);

    const allowed = await reconciler({ maxDeletionsPerSync: 2 }).runOnce();
    expect(allowed.pruned).toHaveLength(2);
    expect(allowed.condition.type).toBe('Ready');
    expect(await rendered()).toEqual([]);
  });

  it('resumes after a restart without re-applying anything', async () => {
    const { provider, target, reconciler, rendered } = await setup();
    const reportStatus = jest.spyOn(provider, 'setCommitStatus');
    const first = await reconciler().runOnce();
    const writes = target.applied.length;
    // pending while the new commit was on its way, then the outcome
    expect(reportStatus.mock.calls).toEqual([
      [
        first.revision,
        {
          context: 'butler-portal/sync-directory',
          state: 'pending',
          description: `Progressing: syncing ${first.revision.slice(0, 12)}`,
        },
      ],
      [
        first.revision,
        {
          context: 'butler-portal/sync-directory',
          state: 'success',
          description: `Synced: synced to ${first.revision}`,
        },
      ],
    ]);

    // the stored state says this commit is synced and was just checked: a poll stops there
    expect((await reconciler().runOnce()).skipped).toBe('Unchanged');
    const restarted = await reconciler().runOnce({ full: true });
    // same commit, same outcome: nothing reported again
    expect(reportStatus).toHaveBeenCalledTimes(2);
    expect(restarted.applied).toEqual([]);
    expect(restarted.unchanged).toHaveLength(2);
    expect(restarted.condition.type).toBe('Ready');
    expect(target.applied).toHaveLength(writes);
    expect(target.deleted).toEqual([]);
    expect(await rendered()).toHaveLength(2);
  });

  it('says Reconciling (Progressing) while a new commit is being synced, the last synced revision kept', async () => {
    const { provider, store, target, merge, reconciler } = await setup();
    const r = reconciler();
    const synced = await r.runOnce();
    const commit = await merge(create('bob-dev'));
    // look at the stored state at the moment the target is written to
    const seen: unknown[] = [];
    const apply = target.apply.bind(target);
    jest.spyOn(target, 'apply').mockImplementation(async (...args) => {
      seen.push(await store.getTargetState('directory'));
      return apply(...args);
    });

    expect((await r.runOnce()).condition.type).toBe('Ready');
    expect(seen[0]).toMatchObject({
      revision: synced.revision,
      condition: {
        type: 'Reconciling',
        reason: 'Progressing',
        message: `syncing ${commit.slice(0, 12)}`,
      },
    });
    expect(await store.getTargetState('directory')).toMatchObject({
      revision: commit,
      condition: { type: 'Ready', reason: 'Synced' },
    });
    expect(await provider.head()).toBe(commit);
  });

  it('runs overlapping runOnce calls one after the other', async () => {
    const { target, reconciler } = await setup();
    const r = reconciler();
    const [a, b] = await Promise.all([r.runOnce(), r.runOnce()]);
    expect(a.applied).toHaveLength(2);
    expect(b.applied).toEqual([]);
    expect(b.skipped).toBe('Unchanged');
    expect(target.applied).toHaveLength(2);
  });

  it('converges after a sync killed halfway, without duplicates or lost objects', async () => {
    const { target, merge, reconciler, rendered, store } = await setup();
    await merge(create('bob-dev'));
    target.failAfter = 1;

    await expect(reconciler().runOnce()).rejects.toThrow(
      'target connection lost',
    );
    expect(await rendered()).toEqual([
      'tenant-addons/team-a/cert-manager.yaml',
    ]);
    expect((await store.getTargetState('directory'))?.condition).toMatchObject({
      type: 'Stalled',
      reason: 'SyncError',
      message: 'target connection lost',
    });

    // the object written before the crash leaves Git; it is still known, so it is pruned
    await merge(remove('tenant-addons/team-a/cert-manager.yaml'));
    target.failAfter = undefined;
    const recovered = await reconciler().runOnce();
    expect(recovered.condition.type).toBe('Ready');
    expect(recovered.pruned.map(ref => ref.name)).toEqual(['cert-manager']);
    expect(recovered.applied.map(ref => ref.name)).toEqual([
      'alice-dev',
      'bob-dev',
    ]);
    expect(await rendered()).toEqual([
      'workspaces/team-a/alice-dev.yaml',
      'workspaces/team-a/bob-dev.yaml',
    ]);
    expect(
      (await store.listInventory('directory')).map(r => [r.ref.name, r.status]),
    ).toEqual([
      ['alice-dev', 'Synced'],
      ['bob-dev', 'Synced'],
    ]);
  });

  it('posts a failed sync on the merged commit once, and success once it converges', async () => {
    const { provider, target, merge, reconciler } = await setup();
    const r = reconciler({ commitStatusContext: 'butler-portal/sync' });
    await r.runOnce();
    const commit = await merge(create('bob-dev'));
    // the reconciler's statuses only, not the validation status of the merge
    const reportStatus = jest.spyOn(provider, 'setCommitStatus');
    target.failAfter = target.applied.length;

    // retried (with backoff, by the caller) while the target stays down: pending, then one
    // error that the retries leave standing
    await expect(r.runOnce()).rejects.toThrow('target connection lost');
    await expect(r.runOnce()).rejects.toThrow('target connection lost');
    expect(reportStatus.mock.calls).toEqual([
      [
        commit,
        {
          context: 'butler-portal/sync',
          state: 'pending',
          description: `Progressing: syncing ${commit.slice(0, 12)}`,
        },
      ],
      [
        commit,
        {
          context: 'butler-portal/sync',
          state: 'error',
          description: 'SyncError: target connection lost',
        },
      ],
    ]);

    target.failAfter = undefined;
    expect((await r.runOnce()).condition.type).toBe('Ready');
    expect(reportStatus.mock.calls.slice(2)).toEqual([
      [
        commit,
        {
          context: 'butler-portal/sync',
          state: 'success',
          description: `Synced: synced to ${commit}`,
        },
      ],
    ]);
  });

  it('adopts objects a killed sync already wrote instead of writing them again', async () => {
    const { target, reconciler, rendered } = await setup();
    target.failAfter = 1;
    await expect(reconciler().runOnce()).rejects.toThrow();
    target.failAfter = undefined;

    const recovered = await reconciler().runOnce();
    expect(recovered.adopted.map(ref => ref.name)).toEqual(['cert-manager']);
    expect(recovered.applied.map(ref => ref.name)).toEqual(['alice-dev']);
    expect(target.applied.map(ref => ref.name)).toEqual([
      'cert-manager',
      'alice-dev',
    ]);
    expect(await rendered()).toHaveLength(2);
  });

  it('repairs an object edited in the target, or reports the drift when self-heal is off', async () => {
    const { target, reconciler, out } = await setup();
    await reconciler().runOnce();
    const file = path.join(out, 'workspaces/team-a/alice-dev.yaml');
    const original = await fs.promises.readFile(file, 'utf8');
    await fs.promises.writeFile(file, original.replace('alice@', 'mallory@'));

    // a poll at the synced commit would skip until the drift interval: ask for a full run
    const reported = await reconciler({ selfHeal: false }).runOnce({
      full: true,
    });
    expect(reported.applied).toEqual([]);
    expect(reported.condition).toMatchObject({
      type: 'Stalled',
      reason: 'DriftDetected',
    });
    const drifted = (await reconciler().status()).resources.find(
      s => s.ref.name === 'alice-dev',
    );
    expect(drifted?.status).toBe('Drifted');

    const healed = await reconciler().runOnce();
    expect(healed.applied.map(ref => ref.name)).toEqual(['alice-dev']);
    expect(await fs.promises.readFile(file, 'utf8')).toBe(original);
    expect(target.applied).toHaveLength(3);
  });

  it('reads only what a merge changed between drift checks, and the whole target at the drift check', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 30; i++) {
      many[`workspaces/team-a/ws-${i}.yaml`] = workspaceYaml(`ws-${i}`);
    }
    const { target, merge, reconciler, out } = await setup(many);
    const r = reconciler();
    await r.runOnce();
    expect(target.listings).toEqual([undefined]);

    // someone edits a file the merge does not touch: not read until the drift check
    const edited = path.join(out, 'workspaces/team-a/ws-7.yaml');
    const original = await fs.promises.readFile(edited, 'utf8');
    await fs.promises.writeFile(edited, original.replace('alice@', 'mallory@'));
    await merge(update('ws-3', 'carol@example.com'));
    const merged = await r.runOnce();
    expect(merged.applied.map(ref => ref.name)).toEqual(['ws-3']);
    expect(target.listings[1]?.map(ref => ref.name)).toEqual(['ws-3']);
    expect(await fs.promises.readFile(edited, 'utf8')).not.toBe(original);

    // the drift check (here asked for) reads everything and repairs it
    const checked = await r.runOnce({ full: true });
    expect(target.listings[2]).toBeUndefined();
    expect(checked.healed.map(ref => ref.name)).toEqual(['ws-7']);
    expect(await fs.promises.readFile(edited, 'utf8')).toBe(original);
  });

  it.each([10, 300])(
    'a one-file merge in a repository of %i files reads one blob and one file of the target',
    async size => {
      const many: Record<string, string> = {};
      for (let i = 0; i < size; i++) {
        many[`workspaces/team-a/ws-${i}.yaml`] = workspaceYaml(`ws-${i}`);
      }
      const { provider, target, store, merge } = await setup(many);
      // the provider as the reconciler sees it, counting the blobs it is asked for
      let blobs = 0;
      const counting = {
        repository: provider.repository,
        head: (branch?: string) => provider.head(branch),
        listTree: (ref?: string, prefix?: string) =>
          provider.listTree(ref, prefix),
        readFile: (file: string, ref?: string) => {
          blobs += 1;
          return provider.readFile(file, ref);
        },
        readBlobs: (ids: readonly string[]) => {
          blobs += ids.length;
          return provider.readBlobs(ids);
        },
        setCommitStatus: provider.setCommitStatus.bind(provider),
      };
      const r = new Reconciler({ provider: counting, target, store });
      await r.runOnce();
      expect(blobs).toBe(size + 2);

      blobs = 0;
      const applied = target.applied.length;
      await merge(update('ws-3', 'carol@example.com'));
      const merged = await r.runOnce();
      expect(merged.applied.map(ref => ref.name)).toEqual(['ws-3']);
      expect(blobs).toBe(1);
      expect(target.listings[target.listings.length - 1]).toEqual([
        { kind: 'Workspace', namespace: 'team-a', name: 'ws-3' },
      ]);
      expect(target.applied.length - applied).toBe(1);
    },
    60_000,
  );

  it('a drift check of the directory target reads no unchanged file, and still repairs files edited or deleted out of band', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 30; i++) {
      many[`workspaces/team-a/ws-${i}.yaml`] = workspaceYaml(`ws-${i}`);
    }
    const { reconciler, out } = await setup(many);
    const r = reconciler();
    await r.runOnce();
    // the first drift check reads back what the sync wrote in its last clock tick (racy)
    await r.runOnce({ full: true });
    await new Promise(resolve => setTimeout(resolve, RACY_MS + 100));
    await r.runOnce({ full: true });

    const read = jest.spyOn(fs.promises, 'readFile');
    const readsOfTarget = () =>
      read.mock.calls
        .map(c => String(c[0]))
        .filter(f => f.startsWith(out))
        .map(f => path.basename(f));
    try {
      const quiet = await r.runOnce({ full: true });
      expect(quiet.applied).toEqual([]);
      expect(readsOfTarget()).toEqual([]);

      // out of band: ws-7 edited in place (same size, mtime put back), ws-9 deleted
      const edited = path.join(out, 'workspaces/team-a/ws-7.yaml');
      const original = await fs.promises.readFile(edited, 'utf8');
      const before = await fs.promises.stat(edited);
      await fs.promises.writeFile(edited, original.replace('alice@', 'malic@'));
      await fs.promises.utimes(edited, before.atime, before.mtime);
      const deleted = path.join(out, 'workspaces/team-a/ws-9.yaml');
      const deletedText = await fs.promises.readFile(deleted, 'utf8');
      await fs.promises.rm(deleted);
      read.mockClear();

      const checked = await r.runOnce({ full: true });
      expect(checked.healed.map(ref => ref.name).sort()).toEqual([
        'ws-7',
        'ws-9',
      ]);
      expect(readsOfTarget()).toEqual(['ws-7.yaml']);
      expect(await fs.promises.readFile(edited, 'utf8')).toBe(original);
      expect(await fs.promises.readFile(deleted, 'utf8')).toBe(deletedText);
    } finally {
      read.mockRestore();
    }
  }, 60_000);

  it('compares a watched change once a commit on its way is applied, not halfway', async () => {
    const { target, store, provider } = await setup();
    let emit!: (change: ManagedChange) => void;
    // the directory target, watchable: the test plays the watch
    const watchable: SyncTarget = {
      name: target.name,
      apply: (objects, options) => target.apply(objects, options),
      listManaged: options => target.listManaged(options),
      delete: ref => target.delete(ref),
      describeDrift: () => [
        {
          path: '.spec.owner',
          managers: ['kubectl-edit (Update)'],
          desired: 'alice@example.com',
          live: 'mallory@example.com',
        },
      ],
      watchManaged: async onChange => {
        emit = onChange;
        return { stop: async () => {} };
      },
    };
    const r = new Reconciler({
      provider,
      target: watchable,
      store,
      selfHeal: false,
      commitStatusContext: false,
    });
    await r.runOnce();
    const watch = await r.watch();
    try {
      const state = (await store.getTargetState(target.name))!;
      // another replica is applying a commit: what the watch sees may be halfway
      await store.setTargetState({
        ...state,
        condition: { type: 'Reconciling', reason: 'Progressing' },
      });
      const ref = {
        kind: 'Workspace' as const,
        namespace: 'team-a',
        name: 'alice-dev',
      };
      const reads = jest.spyOn(store, 'getTargetState');
      emit({ ref, held: { ref, hash: 'what someone else wrote' } });
      const record = async () =>
        (await store.listInventory(target.name)).find(
          x => x.ref.name === 'alice-dev',
        );
      // the watch has looked, seen the commit on its way, and left the record alone
      await eventually(async () =>
        reads.mock.calls.length > 0 ? true : undefined,
      );
      await reads.mock.results[0].value;
      expect((await record())?.status).toBe('Synced');
      reads.mockRestore();
      // the replica is done: the change is compared now
      await store.setTargetState(state);
      const drifted = await eventually(async () => {
        const found = await record();
        return found?.status === 'Drifted' ? found : undefined;
      });
      expect(drifted).toMatchObject({
        condition: {
          type: 'Stalled',
          reason: 'DriftDetected',
          message:
            '.spec.owner changed by kubectl-edit (Update): Git has "alice@example.com", the target "mallory@example.com"',
        },
        drift: [{ path: '.spec.owner', managers: ['kubectl-edit (Update)'] }],
      });
      expect((await store.getTargetState(target.name))?.condition).toEqual({
        type: 'Stalled',
        reason: 'DriftDetected',
        message:
          '1 of 2 changed in the target by someone else (self-heal is off)',
      });
    } finally {
      await watch?.stop();
    }
  });

  it('backs off healing an object that keeps being changed, showing it Drifted meanwhile', async () => {
    const { target, store, provider } = await setup();
    let emit!: (change: ManagedChange) => void;
    const watchable: SyncTarget = {
      name: target.name,
      apply: (objects, options) => target.apply(objects, options),
      listManaged: options => target.listManaged(options),
      delete: ref => target.delete(ref),
      watchManaged: async onChange => {
        emit = onChange;
        return { stop: async () => {} };
      },
    };
    const r = new Reconciler({
      provider,
      target: watchable,
      store,
      commitStatusContext: false,
    });
    await r.runOnce();
    const watch = await r.watch();
    const ref = {
      kind: 'Workspace' as const,
      namespace: 'team-a',
      name: 'alice-dev',
    };
    const record = async () =>
      (await store.listInventory(target.name)).find(
        x => x.ref.name === 'alice-dev',
      );
    try {
      // a controller changes it back each time: the first three heals come at once
      for (let i = 1; i <= 3; i++) {
        const before = target.applied.length;
        emit({ ref, held: { ref, hash: `changed ${i}` } });
        await eventually(async () =>
          target.applied.length > before ? true : undefined,
        );
      }
      expect((await record())?.condition.reason).toBe('SelfHealed');
      const applies = target.applied.length;
      emit({ ref, held: { ref, hash: 'changed 4' } });
      const backingOff = await eventually(async () => {
        const found = await record();
        return found?.status === 'Drifted' ? found : undefined;
      });
      expect(backingOff.condition.message).toMatch(
        /changed again soon after being healed, healed again in 1 s$/,
      );
      expect(target.applied).toHaveLength(applies);
      expect((await store.getTargetState(target.name))?.condition).toEqual({
        type: 'Stalled',
        reason: 'DriftDetected',
        message:
          '1 of 2 changed in the target by someone else (self-heal backing off)',
      });
      // then healed after the wait
      const healed = await eventually(async () => {
        const found = await record();
        return found?.condition.reason === 'SelfHealed' ? found : undefined;
      });
      expect(healed.status).toBe('Synced');
      expect(target.applied).toHaveLength(applies + 1);
    } finally {
      await watch?.stop();
    }
  });

  it('polls an unchanged, synced commit cheaply, and compares in full every drift interval', async () => {
    const { provider, target, merge, reconciler, out } = await setup();
    const reads = { listTree: 0, readFile: 0 };
    const counting = {
      head: () => provider.head(),
      setCommitStatus: provider.setCommitStatus.bind(provider),
      listTree: (...args: Parameters<typeof provider.listTree>) => {
        reads.listTree += 1;
        return provider.listTree(...args);
      },
      readFile: (...args: Parameters<typeof provider.readFile>) => {
        reads.readFile += 1;
        return provider.readFile(...args);
      },
    };
    const listed = jest.spyOn(target, 'listManaged');
    const r = reconciler({ provider: counting, driftCheckIntervalMs: 60_000 });
    await r.runOnce();
    expect(reads).toEqual({ listTree: 1, readFile: 2 });

    // someone edits the target; polls within the interval neither read Git nor list the target
    const file = path.join(out, 'workspaces/team-a/alice-dev.yaml');
    const original = await fs.promises.readFile(file, 'utf8');
    await fs.promises.writeFile(file, original.replace('alice@', 'mallory@'));
    listed.mockClear();
    const idle = await r.runOnce();
    expect(idle).toMatchObject({
      skipped: 'Unchanged',
      revision: await provider.head(),
      condition: { type: 'Ready' },
    });
    expect(reads).toEqual({ listTree: 1, readFile: 2 });
    expect(listed).not.toHaveBeenCalled();

    // a new commit is a full sync, but reads only the file it changed
    await merge(update('alice-dev', 'bob@example.com'));
    const merged = await r.runOnce();
    expect(merged.applied.map(ref => ref.name)).toEqual(['alice-dev']);
    expect(reads).toEqual({ listTree: 2, readFile: 3 });

    // once the interval has passed (here: asked for), the drift is found and repaired
    await fs.promises.writeFile(file, original);
    const checked = await r.runOnce({ full: true });
    expect(checked.skipped).toBeUndefined();
    expect(checked.applied.map(ref => ref.name)).toEqual(['alice-dev']);
    // a commit never changes: the drift check compares against its snapshot, read once
    expect(reads).toEqual({ listTree: 2, readFile: 3 });
    expect(target.applied).toHaveLength(4);

    // with an interval of zero every poll compares in full
    const eager = reconciler({ driftCheckIntervalMs: 0 });
    listed.mockClear();
    expect((await eager.runOnce()).skipped).toBeUndefined();
    expect(listed).toHaveBeenCalledTimes(1);
  });

  it('skips a run while another replica holds the lease of the target', async () => {
    const { store, target, reconciler } = await setup();
    expect(await store.acquireLease(target.name, 'other-replica', 60_000)).toBe(
      true,
    );
    const held = await reconciler().runOnce();
    expect(held).toMatchObject({ skipped: 'LeaseHeld', applied: [] });
    expect(target.applied).toEqual([]);

    await store.releaseLease(target.name, 'other-replica');
    const r = reconciler({ leaseHolder: 'this-replica' });
    expect((await r.runOnce()).applied).toHaveLength(2);
    // released after the run: another replica may take it at once
    expect(await store.acquireLease(target.name, 'other-replica', 60_000)).toBe(
      true,
    );
  });
});

/** polls until `check` gives a value; generous limit, the machine is shared */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}
