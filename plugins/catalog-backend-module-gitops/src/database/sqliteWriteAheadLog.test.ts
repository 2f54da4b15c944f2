import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory from 'knex';
import { enableSqliteWriteAheadLog } from './sqliteWriteAheadLog';

describe('enableSqliteWriteAheadLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'catalog-wal-'));
  });
  afterEach(() => fs.promises.rm(dir, { recursive: true, force: true }));

  it('puts a SQLite file in WAL mode with synchronous=NORMAL, on the connection the pool holds', async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'catalog.sqlite') },
      useNullAsDefault: true,
    });
    try {
      await expect(enableSqliteWriteAheadLog(knex)).resolves.toBe(true);
      const [mode] = await knex.raw('PRAGMA journal_mode');
      const [sync] = await knex.raw('PRAGMA synchronous');
      expect(mode.journal_mode).toBe('wal');
      // 1 = NORMAL (2 = FULL, the default)
      expect(sync.synchronous).toBe(1);
    } finally {
      await knex.destroy();
    }
  });

  it('leaves an in-memory database alone', async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    try {
      await expect(enableSqliteWriteAheadLog(knex)).resolves.toBe(false);
      const [sync] = await knex.raw('PRAGMA synchronous');
      expect(sync.synchronous).toBe(2);
    } finally {
      await knex.destroy();
    }
  });
});
