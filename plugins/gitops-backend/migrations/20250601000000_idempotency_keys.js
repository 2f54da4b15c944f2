/*
 * Idempotency keys of change submissions (see src/idempotency/DatabaseIdempotencyStore.ts).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_idempotency_keys', table => {
    table.comment(
      'Idempotency-Key of change submissions: a retried submit returns the change request the first try opened',
    );
    table
      .string('key', 255)
      .notNullable()
      .comment('the Idempotency-Key header');
    table
      .string('user_ref', 255)
      .notNullable()
      .comment('entity ref of the user who sent it; keys are per user');
    table
      .string('request_hash', 64)
      .notNullable()
      .comment('sha256 of the canonical request body');
    table
      .string('change_id', 255)
      .nullable()
      .comment(
        '<repository>:<number> once opened; null while the request runs',
      );
    table
      .bigInteger('claimed_at')
      .notNullable()
      .comment('milliseconds since the epoch of the latest claim');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['key', 'user_ref']);
    table.index(['created_at'], 'gitops_idempotency_keys_created_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_idempotency_keys');
};
