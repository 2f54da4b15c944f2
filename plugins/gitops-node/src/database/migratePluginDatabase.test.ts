/*
 * Replicas starting at once on one database, on SQLite and (when the runner found one)
 * PostgreSQL: each with its own connection pool, as two processes have.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'fs/promises';
import knexFactory, { type Knex } from 'knex';
import os from 'os';
import path from 'path';
import { testDatabaseIds } from '../__testUtils__';
import { migratePluginDatabase } from './migratePluginDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: testDatabaseIds(),
  disableDocker: true,
});

const TABLE = 'demo_knex_migrations';
const LOCK_TABLE = `${TABLE}_lock`;

let directory: string;

beforeAll(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-'));
  await addMigration('20260101000000_widgets.js', 'widgets');
});

afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

async function addMigration(file: string, table: string) {
  await fs.writeFile(
    path.join(directory, file),
    `exports.up = knex => knex.schema.createTable('${table}', t => { t.string('id').primary(); });
exports.down = knex => knex.schema.dropTable('${table}');
`,
  );
}

function migrate(knex: Knex, options: { maxWaitMs?: number } = {}) {
  return migratePluginDatabase(
    { getClient: async () => knex },
    // a wait well inside the test's timeout, so that a failure names its reason
    {
      directory,
      tableName: TABLE,
      retryDelayMs: 20,
      maxWaitMs: 20_000,
      ...options,
    },
  );
}

async function count(knex: Knex, table: string) {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}

describe.each(databases.eachSupportedId())(
  'migratePluginDatabase on %s',
  databaseId => {
    /** a second connection pool on the same database (SQLite: the same file, one pool) */
    function secondPool(knex: Knex): Knex {
      return databaseId === 'SQLITE_3'
        ? knex
        : knexFactory((knex as any).client.config);
    }

    it('migrates once when three instances start at once', async () => {
      // several fresh databases: the race at creating knex's own tables differs each time (without
      // the lock-row repair, PostgreSQL here ended with two lock rows within a few rounds)
      for (let round = 0; round < 5; round++) {
        const knex = await databases.init(databaseId);
        const other = secondPool(knex);
        try {
          await Promise.all([knex, other, knex].map(client => migrate(client)));
          expect(await knex.schema.hasTable('widgets')).toBe(true);
          expect(await count(knex, TABLE)).toBe(1);
          expect(await count(knex, LOCK_TABLE)).toBe(1);
        } finally {
          if (other !== knex) await other.destroy();
        }
      }
    });

    it('recovers a database where a race left two lock rows (knex then never gets its lock)', async () => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      // what two instances inserting the lock row at once leave behind
      await knex(LOCK_TABLE).insert({ is_locked: 0 });
      await expect(
        knex.migrate.latest({ directory, tableName: TABLE }),
      ).rejects.toThrow(/already locked/);

      await addMigration('20260102000000_gadgets.js', 'gadgets');
      try {
        await migrate(knex);
        expect(await knex.schema.hasTable('gadgets')).toBe(true);
        expect(await knex(LOCK_TABLE).select('is_locked')).toEqual([
          { is_locked: 0 },
        ]);
      } finally {
        await fs.rm(path.join(directory, '20260102000000_gadgets.js'));
      }
    });

    it('gives up on a lock held past the wait, naming the lock table', async () => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      // an instance that stopped while it migrated without a transaction leaves this
      await knex(LOCK_TABLE).update({ is_locked: 1 });
      await expect(migrate(knex, { maxWaitMs: 200 })).rejects.toThrow(
        /waited 200 ms for knex's lock \(demo_knex_migrations_lock\) and gave up: .*set is_locked to 0/,
      );
      expect(await knex(LOCK_TABLE).select('is_locked')).toEqual([
        { is_locked: 1 },
      ]);
    });

    it('keeps the lock row an instance holds when it removes the extra ones', async () => {
    const knex = await databases.init(databaseId);
    await migrate(knex);
    // two free rows a race left, and a third an instance holds (taken before the race showed)
    await knex(LOCK_TABLE).insert([{ is_locked: 0 }, { is_locked: 1 }]);
    const [held] = await knex(LOCK_TABLE).where('is_locked', 1).select('index');
    await expect(migrate(knex, { maxWaitMs: 200 })).rejects.toThrow(/gave up/);
    expect(await knex(LOCK_TABLE).select('index', 'is_locked')).toEqual([
      { index: held.index, is_locked: 1 },
    ]);
  });

  it("fails at once when a plugin migration's table is already there (not a race)", async () => {
    const knex = await databases.init(databaseId);
    await knex.schema.createTable('widgets', t => t.string('id'));
    await expect(migrate(knex)).rejects.toThrow(/widgets.*already exists/);
    expect(await knex.schema.hasTable(TABLE)).toBe(true);
    expect(await count(knex, TABLE)).toBe(0);
  });

  it('fails at once on a migration that fails, without retrying it', async () => {
      const knex = await databases.init(databaseId);
      const broken = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-'));
      const runs = path.join(broken, 'runs');
      try {
        await fs.writeFile(
          path.join(broken, '20260101000000_broken.js'),
          `exports.up = async () => {
  require('fs').appendFileSync(${JSON.stringify(runs)}, 'x');
  throw new Error('column "x" is wrong');
};
exports.down = async () => {};
`,
        );
        await expect(
          migratePluginDatabase(
            { getClient: async () => knex },
            { directory: broken, tableName: TABLE, retryDelayMs: 1 },
          ),
        ).rejects.toThrow('column "x" is wrong');
        expect(await fs.readFile(runs, 'utf8')).toBe('x');
        expect(await count(knex, TABLE)).toBe(0);
      } finally {
        await fs.rm(broken, { recursive: true, force: true });
      }
    });

    it('touches nothing when the backend skips migrations', async () => {
      const knex = await databases.init(databaseId);
      const client = await migratePluginDatabase(
        { getClient: async () => knex, migrations: { skip: true } },
        { directory, tableName: TABLE },
      );
      expect(client).toBe(knex);
      expect(await knex.schema.hasTable(TABLE)).toBe(false);
    });
  },
);
