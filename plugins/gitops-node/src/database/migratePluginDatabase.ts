/*
 * Applies a plugin's knex migrations so that several replicas may start at once on one database.
 *
 * knex serializes migrations with a row in `<tableName>_lock`, but it creates its bookkeeping
 * tables and that row outside the lock (check, then create or insert). Replicas racing there
 * meet two kinds of failure:
 * - the second CREATE TABLE of a bookkeeping table fails (the table now exists): retried;
 * - both insert the lock row, leaving two. knex takes its lock by updating the free rows and
 *   insists on exactly one updated, so with two free rows nobody ever gets it again ("Migration
 *   table is already locked" on every start, knex issue 3538). A start that meets this keeps one
 *   row — the held one if a replica holds one, else the first — and deletes the other free ones.
 */
import type { DatabaseService } from '@backstage/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

export interface MigratePluginDatabaseOptions {
  /** the plugin's migrations folder (resolvePackagePath of its package) */
  directory: string;
  /** knex's bookkeeping table; its lock table is this name with `_lock` */
  tableName?: string;
  /** pause between attempts while another replica migrates; default 500 ms */
  retryDelayMs?: number;
  /** give up after this long; default 60 s */
  maxWaitMs?: number;
}

const KNEX_DEFAULT_TABLE = 'knex_migrations';

/** Migrates unless the backend is told to skip migrations; answers the database client. */
export async function migratePluginDatabase(
  database: DatabaseService,
  options: MigratePluginDatabaseOptions,
): Promise<Knex> {
  const knex = await database.getClient();
  if (database.migrations?.skip) return knex;
  const tableName = options.tableName ?? KNEX_DEFAULT_TABLE;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    try {
      await knex.migrate.latest({ directory: options.directory, tableName });
      return knex;
    } catch (error) {
      if (!isMigrationRace(error, tableName)) throw error;
      if (Date.now() >= deadline) {
        throw new Error(
          `The migrations in ${options.directory} waited ${maxWaitMs} ms for knex's lock ` +
            `(${tableName}_lock) and gave up: another instance is migrating, or one stopped ` +
            `while it did (then set is_locked to 0 in that table). Last error: ${messageOf(
              error,
            )}`,
          { cause: error },
        );
      }
      await removeExtraLockRows(knex, `${tableName}_lock`);
      await new Promise(resolve => setTimeout(resolve, retryDelayMs));
    }
  }
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * knex finding its lock taken (another instance is migrating right now), or the database
 * refusing the second of two concurrent CREATE TABLEs of knex's own bookkeeping tables. Any
 * other failure (a plugin migration's own table already there, a connection refused) is not a
 * race and fails at once.
 */
function isMigrationRace(error: unknown, tableName: string): boolean {
  // duck-typed: errors of native drivers are not always instances of this realm's Error
  const { code } = (error ?? {}) as { code?: unknown };
  const text = messageOf(error);
  if (/Migration table is already locked/.test(text)) return true;
  // a writer holding the database (SQLite) or a deadlock while knex takes its lock
  if (code === 'SQLITE_BUSY' || code === '40P01') return true;
  // knex's errors carry the statement: the race is only on its own tables
  const bookkeeping = new RegExp(
    `create table (\\S+\\.)?[\`"']?${escapeRegExp(tableName)}(_lock)?[\`"']? `,
    'i',
  );
  if (!bookkeeping.test(text)) return false;
  return (
    code === '42P07' || // PostgreSQL duplicate_table
    (code === '23505' && /pg_(type|class)_/.test(text)) || // the same, met in pg_type's index
    code === 'ER_TABLE_EXISTS_ERROR' || // MySQL
    /already exists/.test(text) // SQLite
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** repairs the lock rows a race left (see the file's comment); free rows only */
async function removeExtraLockRows(knex: Knex, lockTable: string) {
  try {
    const rows: Array<{ index: number; is_locked: number }> = await knex(
      lockTable,
    )
      .select('index', 'is_locked')
      .orderBy('index');
    if (rows.length < 2) return;
    const keep = rows.find(row => Number(row.is_locked) === 1) ?? rows[0];
    await knex(lockTable)
      .whereNot('index', keep.index)
      .andWhere('is_locked', 0)
      .delete();
  } catch {
    // the lock table is not there yet (the race is still at creating it): the next try creates it
  }
}
