/*
 * A backend killed in the middle of a sync leaves two things behind: the reconciler lease, held
 * by a process that no longer exists, and the global scheduled task, still claimed by the dead
 * worker until its timeout (10 minutes). Started again, the portal must take the sync up by
 * itself as soon as the lease expires, with no POST /sync and no scheduler run.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseReconcilerStore } from '@butler-portal/plugin-reconciler-node';
import {
  ensureLocalRepository,
  LocalGitProvider,
} from '@butler-portal/plugin-gitops-backend-module-local';
import { SyncTasks } from './SyncTasks';
import { alice, workspaceYaml } from '../__testUtils__/syncFixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

it('resumes a sync cut short by a crash once the dead holder’s lease expires, with no manual step', async () => {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'butler-resume-'));
  try {
    const layout = path.join(root, 'layout', 'workspaces', 'team-a');
    await fs.promises.mkdir(layout, { recursive: true });
    for (const name of ['ws-1', 'ws-2', 'ws-3']) {
      await fs.promises.writeFile(path.join(layout, `${name}.yaml`), workspaceYaml(name));
    }
    const dir = path.join(root, 'platform.git');
    await ensureLocalRepository({ dir, templateDir: path.join(root, 'layout'), initialAuthor: alice });
    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const store = await DatabaseReconcilerStore.create(await databases.init('SQLITE_3'));

    // the crashed process: it holds the target's lease (1 s lifetime here, 60 s by default)
    const leaseTtlMs = 1000;
    expect(await store.acquireLease('platform-directory', 'dead-process', leaseTtlMs)).toBe(true);

    // the scheduled task stays claimed by the dead worker: the scheduler never runs it
    const scheduler = { scheduleTask: async () => {}, triggerTask: async () => {} };
    const rendered = path.join(root, 'rendered');
    const started = Date.now();
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
      leaseTtlMs,
      watch: false,
    });
    try {
      const head = await provider.head();
      let status = (await tasks.status())[0];
      while (status.revision !== head && Date.now() - started < 90_000) {
        await new Promise(r => setTimeout(r, 50));
        status = (await tasks.status())[0];
      }
      expect(status).toMatchObject({ revision: head, condition: { type: 'Ready' } });
      const files = await fs.promises.readdir(path.join(rendered, 'workspaces', 'team-a'));
      expect(files.sort()).toEqual(['ws-1.yaml', 'ws-2.yaml', 'ws-3.yaml']);
      // it waited for the lease rather than syncing beside the (presumed) other holder
      expect(Date.now() - started).toBeGreaterThanOrEqual(leaseTtlMs - 100);
    } finally {
      await tasks.stop();
    }
  } finally {
    // the last run may still be recording its commit status in the repository: retry the removal
    await fs.promises.rm(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
});
