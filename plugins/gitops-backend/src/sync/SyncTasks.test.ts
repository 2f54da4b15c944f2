import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import {
  DatabaseReconcilerStore,
  type ReconcilerStore,
  type SyncTarget,
} from '@butler-portal/plugin-reconciler-node';
import {
  ensureLocalRepository,
  LocalGitProvider,
} from '@butler-portal/plugin-gitops-backend-module-local';
import { type ChangeRepository } from '@butler-portal/plugin-gitops-node';
import {
  backoffMs,
  MAX_BACKOFF_MS,
  SyncTasks,
  syncStatusContext,
} from './SyncTasks';
import { alice, bob, workspaceYaml } from '../__testUtils__/syncFixtures';

describe('backoffMs', () => {
  it('doubles from one second up to the cap', () => {
    expect([0, 1, 2, 3, 4].map(backoffMs)).toEqual([0, 1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(MAX_BACKOFF_MS);
  });
});

describe('SyncTasks', () => {
  it('skips polls while backing off, but runs on a push to the default branch only', async () => {
    let heads = 0;
    const provider = {
      defaultBranch: async () => 'main',
      head: async () => {
        heads += 1;
        throw new Error('provider down');
      },
    } as unknown as ChangeRepository['provider'];
    const store = {
      getTargetState: async () => undefined,
      setTargetState: async () => {},
      listInventory: async () => [],
    } as unknown as ReconcilerStore;
    const fns = new Map<string, () => Promise<void>>();
    const scheduler = {
      scheduleTask: async (
        task: SchedulerServiceTaskScheduleDefinition & {
          id: string;
          fn: () => Promise<void>;
          scope?: string;
        },
      ) => {
        expect(task.scope).toBe('global');
        fns.set(task.id, task.fn);
      },
      triggerTask: async (id: string) => fns.get(id)!(),
    };
    const subscribed: string[][] = [];
    const tasks = await SyncTasks.start({
      config: [
        {
          repository: 'platform',
          targets: [{ type: 'directory', name: 'directory', root: '/unused' }],
          pollInterval: { seconds: 30 },
          driftIntervalMs: 300_000,
        },
      ],
      repositories: [{ id: 'platform', provider, kinds: ['Workspace'] }],
      store,
      scheduler: scheduler as any,
      events: {
        publish: async () => {},
        subscribe: async ({ topics }) => {
          subscribed.push(topics);
        },
      },
      logger: mockServices.logger.mock(),
      createTarget: (_config, name) => ({ name } as SyncTarget),
      // this test counts the runs it starts itself
      resumeOnStart: false,
    });
    expect(subscribed).toEqual([['butler.gitops']]);
    const poll = fns.get('gitops-sync-platform-directory')!;

    await poll(); // fails: backoff starts
    expect(heads).toBe(1);
    await poll(); // within the backoff: skipped
    expect(heads).toBe(1);
    const [status] = await tasks.status();
    expect(status).toMatchObject({
      repository: 'platform',
      target: 'directory',
      consecutiveFailures: 1,
      retryAt: expect.any(String),
    });

    await tasks.onGitEvent({
      type: 'push',
      repository: 'platform',
      branch: 'feature',
      after: 'x',
    });
    expect(heads).toBe(1);
    await tasks.onGitEvent({
      type: 'push',
      repository: 'platform',
      branch: 'main',
      after: 'x',
    });
    expect(heads).toBe(2);
    expect((await tasks.status())[0].consecutiveFailures).toBe(2);

    expect(() => tasks.trigger('nope')).toThrow('has no sync targets');
  });
});

describe('SyncTasks on a push', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3'],
    disableDocker: true,
  });
  let root: string;
  beforeEach(async () => {
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sync-tasks-'));
  });
  afterEach(() => fs.promises.rm(root, { recursive: true, force: true }));

  /**
   * A repository with a directory target whose scheduler never runs anything: what reaches the
   * target got there without waiting for the scheduler (which checks a triggered global task
   * only every 5 s).
   */
  async function setup() {
    const template = path.join(root, 'layout');
    await fs.promises.mkdir(path.join(template, 'workspaces', 'team-a'), {
      recursive: true,
    });
    await fs.promises.writeFile(
      path.join(template, 'workspaces', 'team-a', 'ws-1.yaml'),
      workspaceYaml('ws-1'),
    );
    const dir = path.join(root, 'platform.git');
    await ensureLocalRepository({
      dir,
      templateDir: template,
      initialAuthor: alice,
    });
    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const store = await DatabaseReconcilerStore.create(
      await databases.init('SQLITE_3'),
    );
    const triggered: string[] = [];
    const scheduler = {
      scheduleTask: async () => {},
      triggerTask: async (id: string) => {
        triggered.push(id);
      },
    };
    const rendered = path.join(root, 'rendered');
    const tasks = await SyncTasks.start({
      config: [
        {
          repository: 'platform',
          targets: [{ type: 'directory', name: 'directory', root: rendered }],
          pollInterval: { minutes: 30 },
          driftIntervalMs: 300_000,
        },
      ],
      repositories: [{ id: 'platform', provider, kinds: ['Workspace'] }],
      store,
      scheduler: scheduler as any,
      events: { publish: async () => {}, subscribe: async () => {} },
      logger: mockServices.logger.mock(),
    });
    const merge = async (name: string) => {
      const change = await provider.openChange({
        branch: `butler/test/${name}`,
        title: `Create ${name}`,
        description: '',
        operations: [
          {
            action: 'create',
            path: `workspaces/team-a/${name}.yaml`,
            content: workspaceYaml(name),
          },
        ],
        actor: alice,
      });
      await provider.review(change.id, { decision: 'approve', actor: bob });
      // the change service records the validation of every head before a merge
      await provider.setCommitStatus(change.headSha, {
        context: VALIDATION_CHECK_CONTEXT,
        state: 'success',
      });
      return (await provider.merge(change.id, alice)).mergeCommitSha!;
    };
    const manifest = (name: string) =>
      path.join(rendered, 'workspaces', 'team-a', `${name}.yaml`);
    return { tasks, store, triggered, merge, manifest };
  }

  it('syncs the merge commit in this process, not through the scheduler', async () => {
    const { tasks, triggered, merge, manifest } = await setup();
    const commit = await merge('ws-2');

    await tasks.onGitEvent({
      type: 'push',
      repository: 'platform',
      branch: 'main',
      after: commit,
    });

    expect(fs.existsSync(manifest('ws-1'))).toBe(true);
    expect(fs.existsSync(manifest('ws-2'))).toBe(true);
    const [status] = await tasks.status();
    expect(status).toMatchObject({
      condition: { type: 'Ready' },
      revision: commit,
    });
    expect(status.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'Synced', revision: commit }),
      ]),
    );
    expect(triggered).toEqual([]);

    // POST /sync/:repository runs at once as well
    const ws3 = await merge('ws-3');
    const { targets, done } = tasks.trigger('platform');
    expect(targets).toEqual(['directory']);
    await done;
    expect(fs.existsSync(manifest('ws-3'))).toBe(true);
    expect((await tasks.status())[0].revision).toBe(ws3);
    expect(triggered).toEqual([]);
  });

  it('leaves the commit to the scheduled task when another replica is syncing', async () => {
    const { tasks, store, triggered, merge, manifest } = await setup();
    // another replica holds the target's lease (the store key is <repository>-<target>)
    expect(
      await store.acquireLease('platform-directory', 'other-replica', 60_000),
    ).toBe(true);
    const commit = await merge('ws-2');

    await tasks.onGitEvent({
      type: 'push',
      repository: 'platform',
      branch: 'main',
      after: commit,
    });

    expect(fs.existsSync(manifest('ws-2'))).toBe(false);
    expect(triggered).toEqual(['gitops-sync-platform-directory']);
  });
});

describe('syncStatusContext', () => {
  it('is butler-portal/sync for the only target, one per target otherwise', () => {
    expect(syncStatusContext('directory', 1)).toBe('butler-portal/sync');
    expect(syncStatusContext('directory', 2)).toBe(
      'butler-portal/sync/directory',
    );
    expect(syncStatusContext('cluster', 2)).toBe('butler-portal/sync/cluster');
  });
});
