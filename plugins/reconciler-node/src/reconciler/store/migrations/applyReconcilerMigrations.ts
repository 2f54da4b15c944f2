/*
 * The reconciler's tables. Plain schema calls guarded by hasTable rather than knex's migration
 * directory: the tables live in the gitops plugin's database next to the backend plugin's own
 * migrations, and running this again (every start, every replica) must change nothing. Two
 * replicas starting at once may both see a table missing; the one that loses the race finds it
 * created and carries on.
 */
import type { Knex } from 'knex';

export const TARGETS_TABLE = 'gitops_reconciler_targets';
export const INVENTORY_TABLE = 'gitops_reconciler_inventory';
export const LEASES_TABLE = 'gitops_reconciler_leases';

/** Creates the reconciler tables and columns when missing. Idempotent and safe to race. */
export async function applyReconcilerMigrations(knex: Knex): Promise<void> {
  await createTableOnce(knex, TARGETS_TABLE, table => {
    table.comment('Per sync target: the commit last synced and the outcome');
    table.string('target', 255).primary().notNullable();
    table.string('revision', 64).nullable();
    table.string('condition', 32).notNullable();
    table.string('reason', 255).notNullable();
    table.text('message').nullable();
    table.text('last_error').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  // added later: when the target was last compared with Git in full (the drift check)
  await addColumnOnce(knex, TARGETS_TABLE, 'checked_at', table =>
    table.timestamp('checked_at', { useTz: true }).nullable(),
  );
  await createTableOnce(knex, INVENTORY_TABLE, table => {
    table.comment(
      'Objects the reconciler owns in each target, with their sync status',
    );
    table.string('target', 255).notNullable();
    table.string('kind', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('name', 253).notNullable();
    table.string('hash', 64).nullable();
    table.string('revision', 64).nullable();
    table.string('status', 16).notNullable();
    table.string('condition', 32).notNullable();
    table.string('reason', 255).notNullable();
    table.text('message').nullable();
    table.text('last_error').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['target', 'kind', 'namespace', 'name']);
  });
  // added later: who changed a Drifted object's fields, and the backoff of a Failed one
  await addColumnOnce(knex, INVENTORY_TABLE, 'drift', table =>
    table.text('drift').nullable(),
  );
  await addColumnOnce(knex, INVENTORY_TABLE, 'retry_hash', table =>
    table.string('retry_hash', 64).nullable(),
  );
  await addColumnOnce(knex, INVENTORY_TABLE, 'retry_attempts', table =>
    table.integer('retry_attempts').nullable(),
  );
  await addColumnOnce(knex, INVENTORY_TABLE, 'retry_at', table =>
    table.timestamp('retry_at', { useTz: true }).nullable(),
  );
  await createTableOnce(knex, LEASES_TABLE, table => {
    table.comment(
      'Who is syncing a target right now: one holder at a time across replicas',
    );
    table.string('name', 255).primary().notNullable();
    table.string('holder', 255).nullable();
    // epoch milliseconds: compared, never displayed
    table.bigInteger('expires_at').notNullable();
  });
}

async function createTableOnce(
  knex: Knex,
  name: string,
  build: (table: Knex.CreateTableBuilder) => void,
): Promise<void> {
  if (await knex.schema.hasTable(name)) return;
  try {
    await knex.schema.createTable(name, build);
  } catch (error) {
    // another replica created it between our check and our CREATE (PostgreSQL reports that as
    // 42P07, or as a unique violation on its catalog); anything else is a real failure
    if (!(await knex.schema.hasTable(name))) throw error;
  }
}

async function addColumnOnce(
  knex: Knex,
  table: string,
  column: string,
  build: (table: Knex.AlterTableBuilder) => void,
): Promise<void> {
  if (await knex.schema.hasColumn(table, column)) return;
  try {
    await knex.schema.alterTable(table, build);
  } catch (error) {
    if (!(await knex.schema.hasColumn(table, column))) throw error;
  }
}
