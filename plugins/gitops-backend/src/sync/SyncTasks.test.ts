import { mockServices } from '@backstage/backend-test-utils';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type {
  ChangeRepository,
  ReconcilerStore,
  SyncTarget,
} from '@butler-portal/plugin-gitops-node';
import {
  backoffMs,
  MAX_BACKOFF_MS,
  SyncTasks,
  syncStatusContext,
} from './SyncTasks';

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

    await expect(tasks.trigger('nope')).rejects.toThrow('has no sync targets');
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
