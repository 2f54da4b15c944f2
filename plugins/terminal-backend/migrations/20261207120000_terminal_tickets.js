/*
 * Terminal tickets (see src/tickets/TicketStore.ts): single-use, 30 s, shared by every replica.
 * Neither a ticket nor the holder's token is stored in clear: the key is the ticket's sha256, the
 * grant is sealed under a key derived from the ticket.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('terminal_tickets', table => {
    table.comment(
      'Single-use terminal tickets; the ticket itself is never stored',
    );
    table.string('id', 64).primary().comment('sha256 hex of the ticket');
    table
      .text('sealed')
      .notNullable()
      .comment(
        'the grant (who, which target, their token), AES-256-GCM under a key derived from the ticket',
      );
    table
      .bigInteger('expires_at')
      .notNullable()
      .comment('milliseconds since the epoch');
    table.index(['expires_at'], 'terminal_tickets_expires_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('terminal_tickets');
};
