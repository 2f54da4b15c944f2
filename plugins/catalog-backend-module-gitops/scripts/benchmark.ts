/*
 * Benchmark of the GitOps catalog module (a script, not a test: it prints numbers and asserts
 * nothing about them).
 *
 *   node ../../scripts/portal.js yarn workspace @butler-portal/plugin-catalog-backend-module-gitops benchmark [files] [merges] [--database=sqlite|postgres|both]
 *
 * Builds a local provider repository of `files` (default 10,000) Workspace files, starts a real
 * catalog with this module on each database asked for (default sqlite: SQLite files in a
 * temporary folder, like the embedded default; postgres: a fresh set of databases on the server
 * of BENCHMARK_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432, as production runs,
 * dropped after the run; both: one after the other on the same repository), and prints for each:
 *
 *   - the provider's full read of the default branch (list, read and validate every file)
 *   - full ingest: backend start until every Workspace is processed, stitched and readable
 *     through the catalog API (none waiting for processing), with entities/s and
 *     the entity provider's own share (its full sync: reading the snapshot, building the
 *     entities, applyMutation) apart from the catalog's processing and stitching
 *   - for `merges` (default 5) one-file changes: the time from the merge event to the updated
 *     entity being readable through GET /api/catalog/entities/by-name/workspace/<ns>/<name>,
 *     with the catalog's processing backlog at that moment (entities overdue for processing,
 *     which the catalog handles before a newly merged one)
 */
import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { AddressInfo } from 'net';
import knexFactory from 'knex';
import {
  coreServices,
  createServiceFactory,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { type Actor } from '@butler-portal/plugin-gitops-node';
import {
  ensureLocalRepository,
  LocalGitProvider,
} from '@butler-portal/plugin-gitops-backend-module-local';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import catalogModuleGitOps from '../src';
import { GitOpsEntityProvider } from '../src/provider/GitOpsEntityProvider';
import {
  fixedGitProviders,
  gitEventsRelay,
} from '../src/__testUtils__/gitEventsRelay';
import { workspaceYaml } from '../src/__testUtils__/localRepository';

const positional = process.argv.slice(2).filter(arg => !arg.startsWith('--'));
const FILES = Number(positional[0] ?? 10_000);
const MERGES = Number(positional[1] ?? 5);
type DatabaseKind = 'sqlite' | 'postgres';
const DATABASES: DatabaseKind[] = (() => {
  const flag = process.argv
    .find(arg => arg.startsWith('--database='))
    ?.slice('--database='.length);
  switch (flag ?? 'sqlite') {
    case 'sqlite':
      return ['sqlite'];
    case 'postgres':
      return ['postgres'];
    case 'both':
      return ['sqlite', 'postgres'];
    default:
      throw new Error(`--database=${flag}: one of sqlite, postgres, both`);
  }
})();
const POSTGRES_URL =
  process.env.BENCHMARK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const NAMESPACES = 50;
const OWNERS = 10;
const actor: Actor = {
  userRef: 'user:default/owner-0',
  name: 'Owner 0',
  email: 'owner-0@example.com',
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** the timings the entity provider logs with each sync (GitOpsEntityProvider#run) */
interface ProviderSyncLog {
  syncType: string;
  entities: number;
  readMs: number;
  buildMs: number;
  applyMs: number;
  totalMs: number;
}

/**
 * The backend's root logger: warnings and errors printed, and the entity provider's sync
 * records kept, so the provider's share of the ingest is its own measurement.
 */
function capturingRootLogger(syncs: ProviderSyncLog[]) {
  const make = (fields: Record<string, unknown>): LoggerService => ({
    error: (message, meta) => console.error(message, meta ?? ''),
    warn: (message, meta) => console.warn(message, meta ?? ''),
    info: (_message, meta) => {
      const record = { ...fields, ...(meta as object) } as Record<
        string,
        unknown
      >;
      if (
        typeof record.provider === 'string' &&
        record.provider.startsWith('gitops-provider:') &&
        typeof record.totalMs === 'number'
      ) {
        syncs.push(record as unknown as ProviderSyncLog);
      }
    },
    debug: () => {},
    child: meta => make({ ...fields, ...meta }),
  });
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => ({ ...make({}), child: meta => make({ ...meta }) }),
  });
}
const now = () => performance.now();

function fileOf(i: number, image = 'ghcr.io/butlerdotdev/workspace-go:1.23') {
  const namespace = `team-${i % NAMESPACES}`;
  const name = `ws-${i}`;
  return {
    namespace,
    name,
    path: `workspaces/${namespace}/${name}.yaml`,
    content: workspaceYaml(namespace, name, {
      owner: `owner-${i % OWNERS}@example.com`,
      image,
    }),
  };
}

async function main() {
  const root = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'gitops-catalog-benchmark-'),
  );
  try {
    // ---------------------------------------------------------------- the repository
    let started = now();
    const template = path.join(root, 'layout');
    for (let i = 0; i < FILES; i++) {
      const file = fileOf(i);
      await fs.promises.mkdir(path.join(template, path.dirname(file.path)), {
        recursive: true,
      });
      await fs.promises.writeFile(path.join(template, file.path), file.content);
    }
    const dir = path.join(root, 'bench.git');
    await ensureLocalRepository({
      dir,
      templateDir: template,
      defaultBranch: 'main',
      initialAuthor: {
        name: 'Butler Portal',
        email: 'butler-portal@localhost',
      },
    });
    console.log(
      `repository of ${FILES} Workspace files built in ${seconds(
        now() - started,
      )}`,
    );

    // ---------------------------------------------------------------- the provider alone
    const mutations: EntityProviderMutation[] = [];
    const alone = new GitOpsEntityProvider({
      repository: {
        id: 'bench',
        provider: new LocalGitProvider({ repository: 'bench', dir }),
        kinds: ['Workspace'],
      },
      logger: mockServices.rootLogger({ level: 'warn' }),
      appBaseUrl: 'http://localhost:3000',
    });
    await alone.connect({
      applyMutation: async m => void mutations.push(m),
      refresh: async () => {},
    });
    started = now();
    await alone.sync();
    const aloneTimings = alone.lastResult!.timings;
    console.log(
      `provider full sync without a catalog (list, read, validate ${FILES} files; build entities; ` +
        `a no-op applyMutation): ${seconds(now() - started)} (read ${seconds(
          aloneTimings.readMs,
        )}, build ${seconds(aloneTimings.buildMs)})`,
    );

    // ---------------------------------------------------------------- the catalog
    const org = path.join(root, 'org.yaml');
    await fs.promises.writeFile(
      org,
      Array.from(
        { length: OWNERS },
        (_, i) =>
          `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: owner-${i}\n` +
          `spec:\n  profile:\n    email: owner-${i}@example.com\n  memberOf: []\n`,
      ).join('---\n'),
    );
    const figures: string[] = [];
    for (const [run, database] of DATABASES.entries()) {
      figures.push(
        await benchmarkCatalog({
          root,
          dir,
          org,
          database,
          imageMajor: run + 2,
        }),
      );
    }
    if (figures.length > 1) {
      console.log(`\n${figures.join('\n')}`);
    }
  } finally {
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

/**
 * The backend's database config, a knex of the catalog's own database (for the benchmark's
 * queries of the processing backlog), and what to drop after the run. PostgreSQL: a fresh
 * prefix, so each plugin gets a new database (`<prefix>catalog`, …) that the run drops.
 */
function databaseOf(database: DatabaseKind, root: string) {
  if (database === 'sqlite') {
    const directory = path.join(root, 'sqlite');
    return {
      config: { client: 'better-sqlite3', connection: { directory } },
      catalogDb: async () =>
        knexFactory({
          client: 'better-sqlite3',
          connection: {
            filename: path.join(
              directory,
              (await fs.promises.readdir(directory)).find(f =>
                f.includes('catalog'),
              )!,
            ),
          },
          useNullAsDefault: true,
        }),
      now: `datetime('now')`,
      drop: async () => {},
    };
  }
  const prefix = `bench_${process.pid}_${Date.now().toString(36)}_`;
  const server = (databaseName = 'postgres') => {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${databaseName}`;
    return knexFactory({ client: 'pg', connection: url.toString() });
  };
  return {
    config: {
      client: 'pg',
      connection: POSTGRES_URL,
      prefix,
    },
    catalogDb: async () => server(`${prefix}catalog`),
    now: 'now()',
    drop: async () => {
      const admin = server();
      try {
        const { rows } = await admin.raw(
          `select datname from pg_database where datname like ?`,
          [`${prefix}%`],
        );
        for (const { datname } of rows as { datname: string }[]) {
          await admin.raw(`drop database if exists ?? with (force)`, [datname]);
        }
      } finally {
        await admin.destroy();
      }
    },
  };
}

async function benchmarkCatalog(options: {
  root: string;
  dir: string;
  org: string;
  database: DatabaseKind;
  imageMajor: number;
}): Promise<string> {
  const { root, dir, org, database, imageMajor } = options;
  console.log(
    `\n== catalog on ${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
  );
  const db = databaseOf(database, root);
  try {
    // the portal's local provider; its merge events reach the module on butler.gitops, as the
    // gitops backend publishes them on the embedded default
    const mergeEvents = new Map<string, number>();
    const gitProviders = fixedGitProviders();
    const portalProvider = new LocalGitProvider({
      repository: 'bench',
      dir,
      requiredApprovals: 0,
      onEvent: event => {
        if (event.type === 'push') mergeEvents.set(event.after, now());
        gitProviders.emit(event);
      },
    });
    const repositories = [
      { id: 'bench', provider: portalProvider, kinds: ['Workspace' as const] },
    ];
    const started = now();
    const loadAtStart = os.loadavg()[0];
    const providerSyncs: ProviderSyncLog[] = [];
    // CPU time of this process (the catalog runs in it): on a shared machine the wall time
    // depends on the other load, the CPU time much less
    const cpuAtStart = process.cpuUsage();
    const backend = await startTestBackend({
      features: [
        capturingRootLogger(providerSyncs),
        catalogPlugin,
        catalogModuleGitOps,
        gitEventsRelay,
        eventsServiceFactory,
        gitProviders.factory(repositories),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: {
              baseUrl: 'http://localhost:0',
              database: db.config,
            },
            events: { useEventBus: 'never' },
            catalog: {
              rules: [{ allow: ['User', 'Group', 'Location', 'Workspace'] }],
              locations: [{ type: 'file', target: org }],
              // as in app-config.yaml
              stitchingStrategy: { pollingInterval: { milliseconds: 250 } },
              processingInterval: { minutes: 10 },
              providers: {
                gitops: {
                  schedule: {
                    frequency: { hours: 1 },
                    timeout: { minutes: 10 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const api = `http://localhost:${port}/api/catalog`;
    const count = async () => {
      const response = await fetch(
        `${api}/entities/by-query?filter=kind=workspace&limit=1`,
      );
      const body = (await response.json()) as { totalItems: number };
      return body.totalItems;
    };
    let catalogDb: ReturnType<typeof knexFactory> | undefined;
    const openCatalogDb = async () => {
      catalogDb ??= await db.catalogDb();
      return catalogDb;
    };
    /** entities not yet processed, and entities waiting to be stitched */
    const pending = async () => {
      const knex = await openCatalogDb();
      const [unprocessed] = await knex('refresh_state')
        .whereNull('processed_entity')
        .count({ n: '*' });
      const [unstitched] = await knex('stitch_queue').count({ n: '*' });
      return {
        unprocessed: Number(unprocessed.n),
        unstitched: Number(unstitched.n),
      };
    };
    let lastReport = 0;
    let restitches = 0;
    await eventually(
      async () => {
        const n = await count();
        if (now() - lastReport > 10_000) {
          lastReport = now();
          console.log(
            `  … ${n} of ${FILES} readable after ${seconds(now() - started)}`,
          );
        }
        if (n < FILES) return undefined;
        // readable = processed and stitched once; what is left in the stitch queue then are
        // re-stitches of relations (a User processed later re-stitches its workspaces)
        const left = await pending();
        if (left.unprocessed > 0) return undefined;
        restitches = left.unstitched;
        return n;
      },
      `${FILES} workspaces in the catalog`,
      // not every 10 ms: the count is a query over the search table of the catalog this process
      // runs, and polling it that often took a large share of the CPU the ingest is measured on
      { timeoutMs: 30 * 60_000, intervalMs: 500 },
    );
    const ingest = now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const full = providerSyncs.find(sync => sync.syncType === 'full');
    const load = `load average ${loadAtStart.toFixed(1)}–${os
      .loadavg()[0]
      .toFixed(1)}`;
    console.log(
      `full ingest (backend start → all ${FILES} workspaces processed, stitched and readable through the catalog API): ` +
        `${seconds(ingest)}, ${(FILES / (ingest / 1000)).toFixed(
          0,
        )} entities/s ` +
        `(${restitches} relation re-stitches still queued; CPU time of the backend process ${cpuSeconds.toFixed(
          2,
        )} s, ${(cpuSeconds / (ingest / 1000)).toFixed(
          2,
        )} cores on average; ${load})`,
    );
    let figure = `${database}: ${FILES} files ingested in ${seconds(
      ingest,
    )} (${load})`;
    if (full) {
      console.log(
        `  the entity provider's share: ${seconds(
          full.totalMs,
        )} (read the snapshot ${seconds(full.readMs)}, build ${
          full.entities
        } entities ${seconds(full.buildMs)}, applyMutation ${seconds(
          full.applyMs,
        )}); the catalog's processing and stitching: the rest, ${seconds(
          ingest - full.totalMs,
        )}`,
      );
      figure += `, the entity provider ${seconds(
        full.totalMs,
      )}, the catalog ${seconds(ingest - full.totalMs)}`;
    }

    // ---------------------------------------------------------------- merge → readable
    const knex = await openCatalogDb();
    const backlog = async () => {
      const [row] = await knex('refresh_state')
        .where('next_update_at', '<=', knex.raw(db.now))
        .count({ n: '*' });
      return Number(row.n);
    };
    const latencies: number[] = [];
    for (let m = 0; m < MERGES; m++) {
      const i = Math.floor((m + 0.5) * (FILES / MERGES));
      const image = `ghcr.io/butlerdotdev/workspace-go:${imageMajor}.${m}`;
      const file = fileOf(i, image);
      const change = await portalProvider.openChange({
        branch: `bench/${database}/${m}`,
        title: `Edit ${file.name}`,
        description: '',
        operations: [
          { action: 'update', path: file.path, content: file.content },
        ],
        actor,
      });
      const overdue = await backlog();
      await portalProvider.setCommitStatus(change.headSha, {
        context: VALIDATION_CHECK_CONTEXT,
        state: 'success',
      });
      const merged = await portalProvider.merge(change.id, actor);
      const eventAt = mergeEvents.get(merged.mergeCommitSha!)!;
      // polled every 10 ms: the wait is the latency measured
      await eventually(
        async () => {
          const response = await fetch(
            `${api}/entities/by-name/workspace/${file.namespace}/${file.name}`,
          );
          if (response.status !== 200) return undefined;
          const entity = (await response.json()) as {
            spec?: { image?: string };
          };
          return entity.spec?.image === image ? true : undefined;
        },
        `${file.name} updated`,
        { timeoutMs: 60_000, intervalMs: 10 },
      );
      const latency = now() - eventAt;
      latencies.push(latency);
      console.log(
        `merge ${m + 1}: event → ${file.namespace}/${
          file.name
        } updated in the catalog API: ${seconds(latency)} ` +
          `(catalog processing backlog: ${overdue} entities)`,
      );
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    if (MERGES > 0) {
      const median = `median ${seconds(sorted[Math.floor(sorted.length / 2)])}`;
      console.log(
        `merge event → entity readable: ${median}, ` +
          `max ${seconds(sorted[sorted.length - 1])} over ${MERGES} merges`,
      );
      figure += `; merge → readable ${median}`;
    }
    await knex.destroy();
    await backend.stop();
    return figure;
  } finally {
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
