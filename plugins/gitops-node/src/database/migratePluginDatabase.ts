/*
 * Applies a plugin's knex migrations so that several replicas may start at once on one database.
 *
 * knex serializes migrations with a row in `<tableName>_lock`, but it creates its bookkeeping
 * tables and that row outside the lock (check, then create or insert). Replicas racing there
 * meet two kinds of failure:
 * - the second CREATE TABLE of a bookkeeping table fails (the table now exists): retried;
 * - both insert the lock row, leaving two. knex then never gets the lock again ("Migration table
 *   is already locked" on every start, its issue 3538), so a start that finds more than one lock
 *   row keeps the first and removes the rest. That is safe: with two rows nobody can hold the lock
 *   (knex takes it only by updating exactly one row).
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
  const deadline = Date.now() + (options.maxWaitMs ?? 60_000);
  for (;;) {
    try {
      await knex.migrate.latest({ directory: options.directory, tableName });
      return knex;
    } catch (error) {
      if (!isMigrationRace(error)) throw error;
      if (Date.now() >= deadline) {
        throw new Error(
          `The migrations of ${options.directory} could not take the lock in ${tableName}_lock ` +
            `for ${Math.round(
              (options.maxWaitMs ?? 60_000) / 1000,
            )} s: another instance is ` +
            `migrating, or one stopped while it did (then set is_locked to 0 in that table). ` +
            `Last error: ${String((error as Error)?.message ?? error)}`,
        );
      }
      await removeExtraLockRows(knex, `${tableName}_lock`);
      await new Promise(resolve => setTimeout(resolve, retryDelayMs));
    }
  }
}

/**
 * knex's LockError (another process is running the migrations right now), or the database
 * refusing the second of two concurrent CREATE TABLEs of knex's own bookkeeping tables
 */
function isMigrationRace(error: unknown): boolean {
  // duck-typed: errors of native drivers are not always instances of this realm's Error
  const { code, name, message } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  return (
    name === 'MigrationLocked' ||
    /Migration table is already locked/.test(text) ||
    code === '42P07' || // PostgreSQL duplicate_table
    (code === '23505' && /pg_(type|class)_/.test(text)) || // the same race, met in pg_type's index
    code === 'ER_TABLE_EXISTS_ERROR' || // MySQL
    /create table .*knex_migrations(_lock)?. .*already exists/.test(text)
  );
}

/** keeps the first lock row when a race left more than one (see the file's comment) */
async function removeExtraLockRows(knex: Knex, lockTable: string) {
  try {
    const rows: Array<{ index: number }> = await knex(lockTable)
      .select('index')
      .orderBy('index');
    if (rows.length > 1) {
      await knex(lockTable).where('index', '>', rows[0].index).delete();
    }
  } catch {
    // the lock table is not there yet (the race is still at creating it): the next try creates it
  }
}
