/*
 * The ticket store on SQLite and, when the test runner found one, PostgreSQL: single use (also
 * across two replicas' connection pools racing for one ticket), expiry, and nothing usable in
 * the table.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { testDatabaseIds } from '@butler-portal/plugin-gitops-node/testUtils';
import knexFactory, { type Knex } from 'knex';
import {
  TICKETS_TABLE,
  TicketStore,
  migrateTerminalDatabase,
  type TicketGrant,
} from './TicketStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: testDatabaseIds(),
  disableDocker: true,
});

const grant: TicketGrant = {
  userEntityRef: 'user:default/alice',
  target: { kind: 'workspace', namespace: 'team-a', name: 'alice-dev' },
  token: 'the-users-backstage-token',
};

async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  await migrateTerminalDatabase({ getClient: async () => knex });
  const clock = { now: 1_000_000 };
  const store = new TicketStore(knex, { ttlMs: 30_000, now: () => clock.now });
  return { knex, store, clock };
}

describe.each(databases.eachSupportedId())('TicketStore on %s', databaseId => {
  it('redeems a ticket once, with its grant', async () => {
    const { store } = await setUp(databaseId);
    const { ticket, expiresAt } = await store.issue(grant);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(new Date(1_000_000 + 30_000).toISOString());
    expect(await store.size()).toBe(1);
    expect(await store.redeem(ticket)).toEqual(grant);
    expect(await store.redeem(ticket)).toBeUndefined();
    expect(await store.size()).toBe(0);
  });

  it('refuses an expired ticket (30 s) and an unknown one, and sweeps expired rows', async () => {
    const { store, clock, knex } = await setUp(databaseId);
    const late = await store.issue(grant);
    const onTime = await store.issue(grant);
    clock.now += 29_999;
    expect(await store.redeem(onTime.ticket)).toEqual(grant);
    clock.now += 1;
    expect(await store.redeem(late.ticket)).toBeUndefined();
    expect(await store.redeem('x'.repeat(43))).toBeUndefined();
    expect(await store.redeem('not a ticket')).toBeUndefined();
    const stale = await store.issue(grant);
    clock.now += 30_000;
    await store.issue(grant); // sweeps the expired one
    const [{ count }] = await knex(TICKETS_TABLE).count({ count: '*' });
    expect(Number(count)).toBe(1);
    expect(await store.redeem(stale.ticket)).toBeUndefined();
  });

  it('stores neither the ticket nor the token in clear', async () => {
    const { store, knex } = await setUp(databaseId);
    const { ticket } = await store.issue(grant);
    const rows = await knex(TICKETS_TABLE).select();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(ticket);
    expect(dump).not.toContain(grant.token);
    expect(dump).not.toContain('alice');
    // a row tampered with is as good as unknown
    await knex(TICKETS_TABLE).update({
      sealed: Buffer.from('x'.repeat(64)).toString('base64'),
    });
    expect(await store.redeem(ticket)).toBeUndefined();
  });

  it('lets exactly one of concurrent redemptions win, across two replicas', async () => {
    const { knex, clock } = await setUp(databaseId);
    // each replica with its own connection pool (SQLite: one in-memory database, one pool)
    const other: Knex =
      databaseId === 'SQLITE_3'
        ? knex
        : knexFactory((knex as any).client.config);
    try {
      const replicas = [knex, other].map(
        db => new TicketStore(db, { ttlMs: 30_000, now: () => clock.now }),
      );
      for (let round = 0; round < 5; round++) {
        const { ticket } = await replicas[round % 2].issue(grant);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => replicas[i % 2].redeem(ticket)),
        );
        expect(results.filter(r => r !== undefined)).toEqual([grant]);
      }
    } finally {
      if (other !== knex) await other.destroy();
    }
  });

  it('migrates when two replicas start at once', async () => {
    const knex = await databases.init(databaseId);
    const other: Knex =
      databaseId === 'SQLITE_3'
        ? knex
        : knexFactory((knex as any).client.config);
    try {
      await Promise.all(
        [knex, other].map(db =>
          migrateTerminalDatabase(
            { getClient: async () => db },
            { retryDelayMs: 20 },
          ),
        ),
      );
      expect(await knex.schema.hasTable(TICKETS_TABLE)).toBe(true);
    } finally {
      if (other !== knex) await other.destroy();
    }
  });
});
