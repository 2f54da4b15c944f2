import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { testDatabaseIds } from '@butler-portal/plugin-gitops-node/testUtils';
import {
  DatabaseIdempotencyStore,
  IDEMPOTENCY_TABLE,
  migrateGitopsDatabase,
} from './DatabaseIdempotencyStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: testDatabaseIds(),
  disableDocker: true,
});

async function createStore(
  databaseId: Parameters<typeof databases.init>[0],
  clock = { now: 1_000_000 },
) {
  const knex = await databases.init(databaseId);
  await migrateGitopsDatabase({ getClient: async () => knex });
  const store = new DatabaseIdempotencyStore(knex, {
    claimTimeoutMs: 60_000,
    now: () => clock.now,
  });
  return { knex, store, clock };
}

const jane = { key: 'key-1', userRef: 'user:default/jane' };

describe.each(databases.eachSupportedId())(
  'DatabaseIdempotencyStore on %s',
  databaseId => {
    it('migrates when two instances start at once on one database', async () => {
      const knex = await databases.init(databaseId);
      // each instance with its own connection pool, as two replicas have (SQLite: one file)
      const other =
        databaseId === 'SQLITE_3'
          ? knex
          : knexFactory((knex as any).client.config);
      try {
        await Promise.all(
          [knex, other, knex].map(client =>
            migrateGitopsDatabase(
              { getClient: async () => client },
              { retryDelayMs: 20 },
            ),
          ),
        );
        expect(await knex.schema.hasTable(IDEMPOTENCY_TABLE)).toBe(true);
        const [{ count }] = await knex('knex_migrations').count({
          count: '*',
        });
        expect(Number(count)).toBe(1);
      } finally {
        if (other !== knex) await other.destroy();
      }
    });

    it('claims a key once, then answers with the change it opened', async () => {
      const { store } = await createStore(databaseId);
      expect(await store.claim({ ...jane, requestHash: 'h1' })).toEqual({
        state: 'claimed',
      });
      expect(await store.claim({ ...jane, requestHash: 'h1' })).toEqual({
        state: 'in_progress',
      });
      await store.complete({ ...jane, changeId: 'platform:7' });
      expect(await store.claim({ ...jane, requestHash: 'h1' })).toEqual({
        state: 'completed',
        changeId: 'platform:7',
      });
      expect(await store.claim({ ...jane, requestHash: 'other' })).toEqual({
        state: 'mismatch',
      });
    });

    it('keeps keys per user', async () => {
      const { store } = await createStore(databaseId);
      await store.claim({ ...jane, requestHash: 'h1' });
      expect(
        await store.claim({
          key: 'key-1',
          userRef: 'user:default/bob',
          requestHash: 'h2',
        }),
      ).toEqual({ state: 'claimed' });
    });

    it('lets exactly one of many racing claims win', async () => {
      const { store, knex } = await createStore(databaseId);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.claim({ ...jane, requestHash: 'h1' }),
        ),
      );
      expect(results.filter(r => r.state === 'claimed')).toHaveLength(1);
      expect(results.filter(r => r.state === 'in_progress')).toHaveLength(7);
      expect(
        Number((await knex(IDEMPOTENCY_TABLE).count({ n: '*' }))[0].n),
      ).toBe(1);
    });

    it('frees a released key for the retry, but never a completed one', async () => {
      const { store } = await createStore(databaseId);
      await store.claim({ ...jane, requestHash: 'h1' });
      await store.release(jane);
      expect(await store.claim({ ...jane, requestHash: 'h2' })).toEqual({
        state: 'claimed',
      });
      await store.complete({ ...jane, changeId: 'platform:1' });
      await store.release(jane);
      expect(await store.claim({ ...jane, requestHash: 'h2' })).toEqual({
        state: 'completed',
        changeId: 'platform:1',
      });
    });

    it('takes over a claim whose process died, once', async () => {
      const { store, clock } = await createStore(databaseId);
      await store.claim({ ...jane, requestHash: 'h1' });
      clock.now += 59_000;
      expect(await store.claim({ ...jane, requestHash: 'h1' })).toEqual({
        state: 'in_progress',
      });
      clock.now += 2_000;
      expect(await store.claim({ ...jane, requestHash: 'h1' })).toEqual({
        state: 'claimed',
      });
      expect(await store.claim({ ...jane, requestHash: 'h1' })).toEqual({
        state: 'in_progress',
      });
    });

    it('survives a new store instance (a restart or another replica)', async () => {
      const { knex, store } = await createStore(databaseId);
      await store.claim({ ...jane, requestHash: 'h1' });
      await store.complete({ ...jane, changeId: 'platform:3' });
      const replica = new DatabaseIdempotencyStore(knex);
      expect(await replica.claim({ ...jane, requestHash: 'h1' })).toEqual({
        state: 'completed',
        changeId: 'platform:3',
      });
    });

    it('forgets expired keys', async () => {
      const { store, clock } = await createStore(databaseId);
      await store.claim({ ...jane, requestHash: 'h1' });
      clock.now += 10_000;
      await store.claim({
        key: 'key-2',
        userRef: jane.userRef,
        requestHash: 'h1',
      });
      expect(await store.deleteExpired(5_000)).toBe(1);
      expect(await store.claim({ ...jane, requestHash: 'other' })).toEqual({
        state: 'claimed',
      });
    });
  },
);
