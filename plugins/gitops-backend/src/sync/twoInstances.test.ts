/*
 * Two backend instances share one database: each merged revision must reach the target once.
 * On SQLite (always) two reconcilers over one store run one after the other; on PostgreSQL
 * (when the test runner found one) two instances with their own connection pools race on the
 * same new commit.
 */
import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory, { type Knex } from 'knex';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import {
  DatabaseReconcilerStore,
  DirectoryTarget,
  Reconciler,
  type ApplyResult,
  type DesiredObject,
  type SyncTarget,
} from '@butler-portal/plugin-reconciler-node';
import {
  ensureLocalRepository,
  LocalGitProvider,
} from '@butler-portal/plugin-gitops-backend-module-local';
import { testDatabaseIds } from '@butler-portal/plugin-gitops-node/testUtils';
import { alice, bob, workspaceYaml } from '../__testUtils__/syncFixtures';

const databases = TestDatabases.create({
  ids: testDatabaseIds(),
  disableDocker: true,
});

const tempDirs: string[] = [];
afterAll(() =>
  Promise.all(
    tempDirs.map(d => fs.promises.rm(d, { recursive: true, force: true })),
  ),
);

/** one target shared by both instances (the cluster), counting every write that reaches it */
class CountingTarget implements SyncTarget {
  readonly writes: string[] = [];
  constructor(private readonly inner: SyncTarget) {}
  get name() {
    return this.inner.name;
  }
  async apply(objects: DesiredObject[]): Promise<ApplyResult[]> {
    // a little latency, as a real API server has, so racing runs overlap
    await new Promise(resolve => setTimeout(resolve, 20));
    this.writes.push(...objects.map(o => `${o.ref.name}@${o.hash}`));
    return this.inner.apply(objects);
  }
  listManaged() {
    return this.inner.listManaged();
  }
  delete(ref: ResourceRef) {
    return this.inner.delete(ref);
  }
}

async function repository() {
  const root = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'butler-two-instances-'),
  );
  tempDirs.push(root);
  const template = path.join(root, 'layout');
  await fs.promises.mkdir(path.join(template, 'workspaces', 'team-a'), {
    recursive: true,
  });
  for (const name of ['ws-1', 'ws-2']) {
    await fs.promises.writeFile(
      path.join(template, 'workspaces', 'team-a', `${name}.yaml`),
      workspaceYaml(name),
    );
  }
  const dir = path.join(root, 'platform.git');
  await ensureLocalRepository({
    dir,
    templateDir: template,
    initialAuthor: alice,
  });
  const provider = new LocalGitProvider({ repository: 'platform', dir });
  const target = new CountingTarget(
    new DirectoryTarget({ root: path.join(root, 'rendered') }),
  );
  /** merges one change adding ws-3 and editing ws-1 */
  const mergeChange = async () => {
    const change = await provider.openChange({
      branch: 'butler/test/1',
      title: 'Change',
      description: '',
      operations: [
        {
          action: 'create',
          path: 'workspaces/team-a/ws-3.yaml',
          content: workspaceYaml('ws-3'),
        },
        {
          action: 'update',
          path: 'workspaces/team-a/ws-1.yaml',
          content: workspaceYaml('ws-1', 'golang:1.24'),
        },
      ],
      actor: alice,
    });
    await provider.review(change.id, { decision: 'approve', actor: bob });
    await provider.setCommitStatus(change.headSha, {
      context: VALIDATION_CHECK_CONTEXT,
      state: 'success',
    });
    await provider.merge(change.id, alice);
  };
  return { provider, target, mergeChange };
}

const names = (writes: string[]) => writes.map(w => w.split('@')[0]).sort();

describe('two sync instances on one database', () => {
  it('apply each revision once when their runs follow one another (SQLite)', async () => {
    const knex = await databases.init('SQLITE_3');
    const { provider, target, mergeChange } = await repository();
    const store = await DatabaseReconcilerStore.create(knex);
    const [a, b] = [1, 2].map(
      () =>
        new Reconciler({ provider, target, store, commitStatusContext: false }),
    );

    await a.runOnce();
    await b.runOnce();
    expect(names(target.writes)).toEqual(['ws-1', 'ws-2']);

    await mergeChange();
    target.writes.length = 0;
    const first = await b.runOnce();
    const second = await a.runOnce();
    expect(first.applied.map(r => r.name).sort()).toEqual(['ws-1', 'ws-3']);
    expect(second.applied).toEqual([]);
    expect(names(target.writes)).toEqual(['ws-1', 'ws-3']);
    expect((await a.status()).revision).toBe(await provider.head());
    expect(new Set(target.writes).size).toBe(target.writes.length);
  });

  it('apply a new commit once when two instances race on it (SQLite, the lease)', async () => {
    const knex = await databases.init('SQLITE_3');
    const { provider, target, mergeChange } = await repository();
    const store = await DatabaseReconcilerStore.create(knex);
    const [a, b] = [1, 2].map(
      () =>
        new Reconciler({ provider, target, store, commitStatusContext: false }),
    );
    await a.runOnce();
    await mergeChange();
    target.writes.length = 0;
    const results = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(names(target.writes)).toEqual(['ws-1', 'ws-3']);
    expect(results.map(r => r.skipped).filter(Boolean)).toHaveLength(1);
  });

  if (!testDatabaseIds().includes('POSTGRES_15')) {
    it('applies once per revision with one store (the racing two-instance case needs PostgreSQL)', async () => {
      // eslint-disable-next-line no-console
      console.log(
        'two racing instances on one database need PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
      );
      const knex = await databases.init('SQLITE_3');
      const { provider, target, mergeChange } = await repository();
      const store = await DatabaseReconcilerStore.create(knex);
      const reconciler = new Reconciler({
        provider,
        target,
        store,
        commitStatusContext: false,
      });
      await reconciler.runOnce();
      await mergeChange();
      target.writes.length = 0;
      // runs queued within one process are serialised by the reconciler itself
      await Promise.all([reconciler.runOnce(), reconciler.runOnce()]);
      expect(names(target.writes)).toEqual(['ws-1', 'ws-3']);
    });
    return;
  }

  describe('on PostgreSQL, each instance with a connection pool of its own', () => {
    let knex: Knex;
    let other: Knex;
    let a: Reconciler;
    let b: Reconciler;
    let repo: Awaited<ReturnType<typeof repository>>;

    beforeEach(async () => {
      knex = await databases.init('POSTGRES_15');
      other = knexFactory((knex as any).client.config);
      repo = await repository();
      // both start at once on an empty database: the schema creation races, and must not fail
      const instance = async (db: Knex) =>
        new Reconciler({
          provider: repo.provider,
          target: repo.target,
          store: await DatabaseReconcilerStore.create(db),
          commitStatusContext: false,
        });
      [a, b] = await Promise.all([instance(knex), instance(other)]);
      await a.runOnce();
      await repo.mergeChange();
      repo.target.writes.length = 0;
    });
    afterEach(() => other.destroy());

    it('apply a new commit once when their runs follow one another', async () => {
      await b.runOnce();
      const second = await a.runOnce();
      expect(second.applied).toEqual([]);
      expect(names(repo.target.writes)).toEqual(['ws-1', 'ws-3']);
    });

    it('apply a new commit once when they race on it (the lease)', async () => {
      // no scheduler here: the per-target lease alone keeps the runs apart
      const [first, second] = await Promise.all([a.runOnce(), b.runOnce()]);
      const head = await repo.provider.head();
      expect(names(repo.target.writes)).toEqual(['ws-1', 'ws-3']);
      // one applied; the other found the lease held, or (having waited) the commit synced
      expect(
        [first.skipped, second.skipped].filter(s => s === undefined),
      ).toHaveLength(1);
      for (const reconciler of [a, b]) {
        const status = await reconciler.status();
        expect(status.revision).toBe(head);
        expect(status.resources.map(r => [r.ref.name, r.status])).toEqual([
          ['ws-1', 'Synced'],
          ['ws-2', 'Synced'],
          ['ws-3', 'Synced'],
        ]);
      }
      const idle = await a.runOnce({ full: true });
      expect(idle.applied).toEqual([]);
      expect(names(repo.target.writes)).toEqual(['ws-1', 'ws-3']);
    });
  });
});
