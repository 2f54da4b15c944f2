/*
 * The reconciler's tables. Plain schema calls guarded by hasTable rather than knex's migration
 * directory: the tables live in the gitops plugin's database next to the backend plugin's own
 * migrations, and running this again (every start, every replica) must change nothing.
 */
import type { Knex } from 'knex';

export const TARGETS_TABLE = 'gitops_reconciler_targets';
export const INVENTORY_TABLE = 'gitops_reconciler_inventory';

/** Creates the reconciler tables when missing. Idempotent. */
export async function applyReconcilerMigrations(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(TARGETS_TABLE))) {
    await knex.schema.createTable(TARGETS_TABLE, table => {
      table.comment('Per sync target: the commit last synced and the outcome');
      table.string('target', 255).primary().notNullable();
      table.string('revision', 64).nullable();
      table.string('condition', 32).notNullable();
      table.string('reason', 255).notNullable();
      table.text('message').nullable();
      table.text('last_error').nullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
    });
  }
  if (!(await knex.schema.hasTable(INVENTORY_TABLE))) {
    await knex.schema.createTable(INVENTORY_TABLE, table => {
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
  }
}
