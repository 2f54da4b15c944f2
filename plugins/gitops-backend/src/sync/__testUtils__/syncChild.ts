/*
 * Child process of the crash test: the portal's sync (SyncTasks, as the backend starts it) of a
 * local repository into a directory target, on a SQLite file both processes share. Each write is
 * slowed down, and after `killAfter` manifests the child says so and waits to be SIGKILLed in the
 * middle of the sync. Arguments: <repo dir> <rendered dir> <sqlite file> <killAfter>
 */
import fs from 'fs';
import knexFactory from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { DatabaseReconcilerStore } from '@butler-portal/plugin-reconciler-node';
import { SyncTasks } from '../SyncTasks';

const [dir, rendered, sqlite, killAfter] = process.argv.slice(2);

// each rename makes a manifest visible: count them, slow them, stop dead after `killAfter`
const rename = fs.promises.rename;
let written = 0;
fs.promises.rename = async (from: fs.PathLike, to: fs.PathLike) => {
  await new Promise(r => setTimeout(r, 5));
  await rename(from, to);
  if (String(to).startsWith(rendered) && ++written === Number(killAfter)) {
    process.stdout.write('KILL ME\n');
    setInterval(() => undefined, 1000);
    await new Promise(() => undefined);
  }
};

const quiet: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => quiet,
};

async function main() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: sqlite },
    useNullAsDefault: true,
  });
  const provider = new LocalGitProvider({ repository: 'platform', dir });
  await SyncTasks.start({
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
    logger: quiet,
    leaseTtlMs: Number(process.env.LEASE_TTL_MS ?? 60_000),
    watch: false,
  });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
