/*
 * Registry tokens (see src/tokens/TokenStore.ts): read-only credentials for terraform, tofu,
 * helm and OPA, scoped to artifact namespaces. Only the sha256 of a token is stored.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('registry_tokens', table => {
    table.comment(
      'Read-only registry tokens; the secret itself is never stored',
    );
    table.string('id', 36).primary().comment('uuid, shown in lists');
    table.string('name', 100).notNullable().comment('what the owner called it');
    table
      .string('owner_ref', 255)
      .notNullable()
      .comment('entity ref of the creator');
    table
      .text('namespaces')
      .notNullable()
      .comment('JSON array of the artifact namespaces the token may read');
    table
      .string('token_hash', 64)
      .notNullable()
      .unique()
      .comment('sha256 hex of the token');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.timestamp('last_used_at', { useTz: true }).nullable();
    table.index(['owner_ref'], 'registry_tokens_owner_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('registry_tokens');
};
