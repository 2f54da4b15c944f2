/*
 * The backend killed with SIGKILL in the middle of a sync and started again: it converges by
 * itself within the lease's lifetime, with no manual step, and leaves no stray temporary files.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import {
  ensureLocalRepository,
  LocalGitProvider,
} from '@butler-portal/plugin-gitops-backend-module-local';
import { DatabaseReconcilerStore } from '@butler-portal/plugin-reconciler-node';
import { SyncTasks } from './SyncTasks';
import { alice, workspaceYaml } from '../__testUtils__/syncFixtures';

jest.setTimeout(180_000);

const FILES = 300;
const LEASE_TTL_MS = 3000;

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for (const e of await fs.promises.readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(path.join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  await walk(dir, '');
  return out.sort();
}

it('resumes by itself after a SIGKILL mid-sync: converged within the lease lifetime, no stray files', async () => {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'butler-killed-'));
  try {
    const layout = path.join(root, 'layout', 'workspaces', 'team-a');
    await fs.promises.mkdir(layout, { recursive: true });
    for (let i = 0; i < FILES; i++) {
      await fs.promises.writeFile(path.join(layout, `ws-${i}.yaml`), workspaceYaml(`ws-${i}`));
    }
    const dir = path.join(root, 'platform.git');
    await ensureLocalRepository({ dir, templateDir: path.join(root, 'layout'), initialAuthor: alice });
    const rendered = path.join(root, 'rendered');
    const sqlite = path.join(root, 'backend.sqlite');

    // the first backend: syncs, and is killed with about a third written
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(__dirname, '__testUtils__', 'syncChild.ts'),
        dir,
        rendered,
        sqlite,
        String(Math.floor(FILES / 3)),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LEASE_TTL_MS: String(LEASE_TTL_MS) } },
    );
    let output = '';
    child.stderr!.on('data', d => (output += d));
    const exited = new Promise<NodeJS.Signals | null>(resolve => child.on('exit', (_c, s) => resolve(s)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', d => {
        output += d;
        if (output.includes('KILL ME')) resolve();
      });
      child.on('exit', () => reject(new Error(`the child exited before the kill point:\n${output}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const partial = (await listAll(rendered)).filter(f => f.endsWith('.yaml'));
    expect(partial.length).toBeLessThan(FILES);

    // a stray temporary file, as a kill between write and rename leaves one
    const folder = path.join(rendered, 'workspaces', 'team-a');
    await fs.promises.writeFile(path.join(folder, '.ws-0.yaml.0123456789ab.tmp'), 'half');

    // the second backend: the same database and folder, no POST /sync, the scheduler never runs
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: sqlite }, useNullAsDefault: true });
    const provider = new LocalGitProvider({ repository: 'platform', dir });
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
      store: await DatabaseReconcilerStore.create(knex),
      scheduler: { scheduleTask: async () => {}, triggerTask: async () => {} } as any,
      events: { publish: async () => {}, subscribe: async () => {} },
      logger: mockServices.logger.mock(),
      leaseTtlMs: LEASE_TTL_MS,
      watch: false,
    });
    try {
      const head = await provider.head();
      let status = (await tasks.status())[0];
      while (status.revision !== head && Date.now() - started < 120_000) {
        await new Promise(r => setTimeout(r, 100));
        status = (await tasks.status())[0];
      }
      expect(status).toMatchObject({ revision: head, condition: { type: 'Ready' } });
      const files = await listAll(rendered);
      expect(files.filter(f => f.endsWith('.tmp'))).toEqual([]);
      expect(files).toHaveLength(FILES);
      // it waited for the dead holder's lease, and no longer than its lifetime plus the sync
      expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_TTL_MS / 2);
    } finally {
      await tasks.stop();
      await knex.destroy();
    }
  } finally {
    // the last run may still be recording its commit status in the repository: retry the removal
    await fs.promises.rm(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
});
