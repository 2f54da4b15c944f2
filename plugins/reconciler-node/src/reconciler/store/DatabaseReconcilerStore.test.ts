import { TestDatabases } from '@backstage/backend-test-utils';
import { testDatabaseIds } from '@butler-portal/plugin-gitops-node/testUtils';
import type { InventoryRecord } from '../types';
import { DatabaseReconcilerStore } from './DatabaseReconcilerStore';
import {
  INVENTORY_TABLE,
  LEASES_TABLE,
  TARGETS_TABLE,
  applyReconcilerMigrations,
} from './migrations/applyReconcilerMigrations';

const databases = TestDatabases.create({ ids: testDatabaseIds() });

function record(
  name: string,
  overrides: Partial<InventoryRecord> = {},
): InventoryRecord {
  return {
    ref: { kind: 'Workspace', namespace: 'team-a', name },
    hash: 'a'.repeat(64),
    revision: 'c'.repeat(40),
    status: 'Synced',
    condition: { type: 'Ready', reason: 'Applied' },
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseReconcilerStore on %s',
  databaseId => {
    it('creates its tables idempotently', async () => {
      const knex = await databases.init(databaseId);
      await applyReconcilerMigrations(knex);
      await applyReconcilerMigrations(knex);
      const store = await DatabaseReconcilerStore.create(knex);
      expect(await store.listInventory('directory')).toEqual([]);
      expect(await store.getTargetState('directory')).toBeUndefined();
    });

    it('creates its tables when two instances start at once', async () => {
      const knex = await databases.init(databaseId);
      await Promise.all([
        DatabaseReconcilerStore.create(knex),
        DatabaseReconcilerStore.create(knex),
        applyReconcilerMigrations(knex),
      ]);
      expect(await knex.schema.hasTable(LEASES_TABLE)).toBe(true);
      expect(await knex.schema.hasColumn(TARGETS_TABLE, 'checked_at')).toBe(
        true,
      );
    });

    it('gives a lease to one holder at a time until it is released or expires', async () => {
      const knex = await databases.init(databaseId);
      let now = 1_000_000;
      const store = await DatabaseReconcilerStore.create(knex, {
        now: () => now,
      });

      // racing for a free lease: exactly one wins
      const raced = await Promise.all(
        ['a', 'b', 'c', 'd'].map(holder =>
          store.acquireLease('platform-directory', holder, 60_000),
        ),
      );
      expect(raced.filter(Boolean)).toHaveLength(1);
      const winner = ['a', 'b', 'c', 'd'][raced.indexOf(true)];
      const loser = winner === 'a' ? 'b' : 'a';

      // the holder renews; others wait; other leases are independent
      expect(
        await store.acquireLease('platform-directory', winner, 60_000),
      ).toBe(true);
      expect(
        await store.acquireLease('platform-directory', loser, 60_000),
      ).toBe(false);
      expect(await store.acquireLease('platform-mgmt', loser, 60_000)).toBe(
        true,
      );

      // released: the next one gets it; a release by a non-holder changes nothing
      await store.releaseLease('platform-directory', loser);
      expect(
        await store.acquireLease('platform-directory', loser, 60_000),
      ).toBe(false);
      await store.releaseLease('platform-directory', winner);
      expect(
        await store.acquireLease('platform-directory', loser, 60_000),
      ).toBe(true);

      // expired (its holder died mid-sync): taken over
      now += 60_001;
      expect(
        await store.acquireLease('platform-directory', winner, 60_000),
      ).toBe(true);
      expect(
        await store.acquireLease('platform-directory', loser, 60_000),
      ).toBe(false);
    });

    it('records a full sync without changing the time the state last changed', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseReconcilerStore.create(knex);
      await store.setTargetState({
        target: 'directory',
        revision: 'r1',
        condition: { type: 'Ready', reason: 'Synced' },
        checkedAt: '2026-01-01T00:00:00.000Z',
      });
      const before = await store.getTargetState('directory');
      expect(before?.checkedAt).toBe('2026-01-01T00:00:00.000Z');
      await store.markChecked('directory', '2026-01-01T00:05:00.000Z');
      expect(await store.getTargetState('directory')).toEqual({
        ...before,
        checkedAt: '2026-01-01T00:05:00.000Z',
      });
      // a state written without checkedAt keeps the last one
      await store.setTargetState({
        target: 'directory',
        revision: 'r2',
        condition: { type: 'Stalled', reason: 'SyncError', message: 'down' },
        lastError: 'down',
      });
      expect((await store.getTargetState('directory'))?.checkedAt).toBe(
        '2026-01-01T00:05:00.000Z',
      );
    });

    it('keeps target state and inventory per target, and upserts by resource', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseReconcilerStore.create(knex);

      await store.setTargetState({
        target: 'directory',
        revision: 'r1',
        condition: { type: 'Ready', reason: 'Synced' },
      });
      await store.setTargetState({
        target: 'directory',
        revision: 'r2',
        condition: {
          type: 'Stalled',
          reason: 'PruneGuard',
          message: '12 deletions, at most 10',
        },
        lastError: 'boom',
      });
      expect(await store.getTargetState('directory')).toEqual({
        target: 'directory',
        revision: 'r2',
        condition: {
          type: 'Stalled',
          reason: 'PruneGuard',
          message: '12 deletions, at most 10',
        },
        lastError: 'boom',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });

      // more rows than one statement takes, to cover the chunking
      const many = Array.from({ length: 120 }, (_, i) =>
        record(`ws-${String(i).padStart(3, '0')}`),
      );
      await store.upsertInventory('directory', many);
      await store.upsertInventory('kubernetes', [record('other')]);
      await store.upsertInventory('directory', [
        record('ws-000', {
          hash: undefined,
          status: 'Failed',
          condition: {
            type: 'Stalled',
            reason: 'ApplyFailed',
            message: 'denied',
          },
          lastError: 'denied',
        }),
      ]);

      const inventory = await store.listInventory('directory');
      expect(inventory).toHaveLength(120);
      expect(inventory[0]).toEqual({
        ref: { kind: 'Workspace', namespace: 'team-a', name: 'ws-000' },
        hash: undefined,
        revision: 'c'.repeat(40),
        status: 'Failed',
        condition: {
          type: 'Stalled',
          reason: 'ApplyFailed',
          message: 'denied',
        },
        lastError: 'denied',
        updatedAt: expect.any(String),
      });
      expect(inventory[1]).toMatchObject(record('ws-001'));

      await store.removeInventory('directory', [many[1].ref, many[2].ref]);
      expect(
        (await store.listInventory('directory'))
          .map(r => r.ref.name)
          .slice(0, 3),
      ).toEqual(['ws-000', 'ws-003', 'ws-004']);
      expect(
        (await store.listInventory('kubernetes')).map(r => r.ref.name),
      ).toEqual(['other']);
      expect(Number((await knex(INVENTORY_TABLE).count({ n: '*' }))[0].n)).toBe(
        119,
      );
    });

    it('reads the records of given objects only, in ref order', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseReconcilerStore.create(knex);
      await store.upsertInventory('directory', [
        record('b'),
        record('a'),
        record('c'),
        record('a', {
          ref: { kind: 'Workspace', namespace: 'team-b', name: 'a' },
        }),
      ]);
      await store.upsertInventory('kubernetes', [record('a')]);
      const read = await store.listInventory('directory', {
        refs: [
          { kind: 'Workspace', namespace: 'team-a', name: 'c' },
          { kind: 'Workspace', namespace: 'team-a', name: 'a' },
          // not in the inventory, and of another namespace: neither is read
          { kind: 'Workspace', namespace: 'team-a', name: 'gone' },
        ],
      });
      expect(read.map(r => `${r.ref.namespace}/${r.ref.name}`)).toEqual([
        'team-a/a',
        'team-a/c',
      ]);
      expect(await store.listInventory('directory', { refs: [] })).toEqual([]);
    });
  },
);
