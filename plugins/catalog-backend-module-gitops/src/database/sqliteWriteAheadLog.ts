/*
 * The catalog's SQLite file (the embedded default) in write-ahead-log mode with synchronous=NORMAL.
 *
 * Why: the catalog writes several small transactions per entity it processes and stitches
 * (refresh state, processed entity, relations, search rows, stitch queue). In SQLite's default
 * rollback-journal mode each commit syncs the journal and the database file to disk: ~13 ms per
 * transaction on the 2-core benchmark machine, which capped a full ingest at ~45 entities/s. In WAL
 * mode with synchronous=NORMAL a commit appends to the log without a sync (the log is synced at
 * checkpoints): 0.1 ms. The file cannot be corrupted by a crash in this mode; at worst the last
 * transactions before a power loss are lost, which the catalog re-derives from Git on its next
 * processing. PostgreSQL (production) is not touched.
 */
import type { DatabaseService } from '@backstage/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** whether the knex client is one of the SQLite drivers */
function isSqlite(knex: Knex): boolean {
  const client = knex.client.config?.client;
  return client === 'better-sqlite3' || client === 'sqlite3';
}

function isInMemory(knex: Knex): boolean {
  const connection = knex.client.config?.connection as
    | { filename?: string }
    | string
    | undefined;
  const filename =
    typeof connection === 'string' ? connection : connection?.filename;
  return !filename || filename === ':memory:';
}

/** one database connection of either driver, as the pool hands it out */
interface SqliteConnection {
  pragma?: (source: string) => unknown;
  run?: (sql: string, callback: () => void) => unknown;
}

/**
 * Switches a file-backed SQLite database to WAL with synchronous=NORMAL; returns whether it did.
 * Anything else (PostgreSQL, an in-memory database) is left as it is.
 */
export async function enableSqliteWriteAheadLog(knex: Knex): Promise<boolean> {
  if (!isSqlite(knex) || isInMemory(knex)) return false;
  // synchronous is a setting of each connection: also on connections the pool opens later
  knex.client.pool?.on(
    'createSuccess',
    (_eventId: unknown, connection: SqliteConnection) => {
      if (typeof connection.pragma === 'function') {
        connection.pragma('synchronous = NORMAL');
      } else {
        connection.run?.('PRAGMA synchronous = NORMAL', () => {});
      }
    },
  );
  // journal_mode=WAL is stored in the file; synchronous applies to the open connection (the
  // SQLite pool holds one)
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = NORMAL');
  return true;
}
