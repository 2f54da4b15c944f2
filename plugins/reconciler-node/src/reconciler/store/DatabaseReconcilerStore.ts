/*
 * ReconcilerStore on the plugin's database (SQLite embedded, PostgreSQL in production), via the
 * knex client Backstage's DatabaseService hands out.
 */
import type { Knex } from 'knex';
import type {
  KindName,
  ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import type {
  ConditionType,
  InventoryRecord,
  SyncStatus,
  TargetState,
} from '../types';
import type { ReconcilerStore } from './ReconcilerStore';
import {
  INVENTORY_TABLE,
  LEASES_TABLE,
  TARGETS_TABLE,
  applyReconcilerMigrations,
} from './migrations/applyReconcilerMigrations';

interface TargetRow {
  target: string;
  revision: string | null;
  condition: string;
  reason: string;
  message: string | null;
  last_error: string | null;
  updated_at: Date | string | number;
  checked_at?: Date | string | number | null;
}

interface LeaseRow {
  name: string;
  holder: string | null;
  expires_at: number;
}

interface InventoryRow {
  target: string;
  kind: string;
  namespace: string;
  name: string;
  hash: string | null;
  revision: string | null;
  status: string;
  condition: string;
  reason: string;
  message: string | null;
  last_error: string | null;
  updated_at: Date | string | number;
  /** JSON of FieldDrift[] */
  drift?: string | null;
  retry_hash?: string | null;
  retry_attempts?: number | null;
  retry_at?: Date | string | number | null;
}

/** rows per statement: keeps well below SQLite's bound-parameter limit */
const CHUNK = 50;

/** names in one query of listInventory by refs (well under every database's parameter limit) */
const REFS_PER_QUERY = 500;

export class DatabaseReconcilerStore implements ReconcilerStore {
  /**
   * Runs the (idempotent) migrations, then returns the store.
   *
   * @param options.now - the clock leases expire by (tests move it)
   */
  static async create(
    knex: Knex,
    options: { now?: () => number } = {},
  ): Promise<DatabaseReconcilerStore> {
    await applyReconcilerMigrations(knex);
    return new DatabaseReconcilerStore(knex, options.now ?? Date.now);
  }

  private constructor(
    private readonly knex: Knex,
    private readonly now: () => number,
  ) {}

  async acquireLease(
    name: string,
    holder: string,
    ttlMs: number,
  ): Promise<boolean> {
    const now = this.now();
    // the row exists from the first attempt on; holders then only ever change by the update
    await this.knex<LeaseRow>(LEASES_TABLE)
      .insert({ name, holder: null, expires_at: 0 })
      .onConflict('name')
      .ignore();
    // compare-and-set: a racing replica's update re-reads the row after ours commits (row lock
    // on PostgreSQL, one writer at a time on SQLite) and no longer matches
    const updated = await this.knex<LeaseRow>(LEASES_TABLE)
      .where({ name })
      .andWhere(q =>
        q
          .where({ holder })
          .orWhereNull('holder')
          .orWhere('expires_at', '<=', now),
      )
      .update({ holder, expires_at: now + ttlMs });
    return updated === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.knex<LeaseRow>(LEASES_TABLE)
      .where({ name, holder })
      .update({ holder: null, expires_at: 0 });
  }

  async getTargetState(target: string): Promise<TargetState | undefined> {
    const row = await this.knex<TargetRow>(TARGETS_TABLE)
      .where({ target })
      .first();
    if (!row) return undefined;
    return {
      target: row.target,
      revision: row.revision ?? undefined,
      condition: {
        type: row.condition as ConditionType,
        reason: row.reason,
        message: row.message ?? undefined,
      },
      lastError: row.last_error ?? undefined,
      updatedAt: toIso(row.updated_at),
      ...(row.checked_at && { checkedAt: toIso(row.checked_at) }),
    };
  }

  async setTargetState(state: TargetState): Promise<void> {
    const row: TargetRow = {
      target: state.target,
      revision: state.revision ?? null,
      condition: state.condition.type,
      reason: state.condition.reason,
      message: state.condition.message ?? null,
      last_error: state.lastError ?? null,
      updated_at: new Date(),
      ...(state.checkedAt && { checked_at: new Date(state.checkedAt) }),
    };
    // without checkedAt, the time of the last full sync stays what it was
    await this.knex<TargetRow>(TARGETS_TABLE)
      .insert(row)
      .onConflict('target')
      .merge(Object.keys(row) as (keyof TargetRow)[]);
  }

  async markChecked(target: string, checkedAt: string): Promise<void> {
    await this.knex<TargetRow>(TARGETS_TABLE)
      .where({ target })
      .update({ checked_at: new Date(checkedAt) });
  }

  async listInventory(
    target: string,
    options: { refs?: readonly ResourceRef[] } = {},
  ): Promise<InventoryRecord[]> {
    let rows: InventoryRow[];
    if (options.refs) {
      // by the primary key (target, kind, namespace, name): a read as large as the change
      const names = new Map<string, { ref: ResourceRef; names: string[] }>();
      for (const ref of options.refs) {
        const key = `${ref.kind}\u0000${ref.namespace}`;
        const group = names.get(key) ?? { ref, names: [] };
        group.names.push(ref.name);
        names.set(key, group);
      }
      rows = [];
      for (const { ref, names: all } of names.values()) {
        for (let i = 0; i < all.length; i += REFS_PER_QUERY) {
          rows.push(
            ...(await this.knex<InventoryRow>(INVENTORY_TABLE)
              .where({ target, kind: ref.kind, namespace: ref.namespace })
              .whereIn('name', all.slice(i, i + REFS_PER_QUERY))),
          );
        }
      }
      const order = (r: InventoryRow) =>
        `${r.kind}\u0000${r.namespace}\u0000${r.name}`;
      rows.sort((a, b) => (order(a) < order(b) ? -1 : 1));
    } else {
      rows = await this.knex<InventoryRow>(INVENTORY_TABLE)
        .where({ target })
        .orderBy(['kind', 'namespace', 'name']);
    }
    return rows.map(row => ({
      ref: {
        kind: row.kind as KindName,
        namespace: row.namespace,
        name: row.name,
      },
      hash: row.hash ?? undefined,
      revision: row.revision ?? undefined,
      status: row.status as SyncStatus,
      condition: {
        type: row.condition as ConditionType,
        reason: row.reason,
        message: row.message ?? undefined,
      },
      lastError: row.last_error ?? undefined,
      updatedAt: toIso(row.updated_at),
      ...(row.drift && { drift: JSON.parse(row.drift) }),
      ...(row.retry_hash &&
        row.retry_at && {
          retry: {
            hash: row.retry_hash,
            attempts: Number(row.retry_attempts ?? 1),
            at: toIso(row.retry_at),
          },
        }),
    }));
  }

  async upsertInventory(
    target: string,
    records: InventoryRecord[],
  ): Promise<void> {
    if (records.length === 0) return;
    const now = new Date();
    const rows: InventoryRow[] = records.map(r => ({
      target,
      kind: r.ref.kind,
      namespace: r.ref.namespace,
      name: r.ref.name,
      hash: r.hash ?? null,
      revision: r.revision ?? null,
      status: r.status,
      condition: r.condition.type,
      reason: r.condition.reason,
      message: r.condition.message ?? null,
      last_error: r.lastError ?? null,
      updated_at: now,
      drift: r.drift ? JSON.stringify(r.drift) : null,
      retry_hash: r.retry?.hash ?? null,
      retry_attempts: r.retry?.attempts ?? null,
      retry_at: r.retry ? new Date(r.retry.at) : null,
    }));
    await this.knex.transaction(async tx => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx<InventoryRow>(INVENTORY_TABLE)
          .insert(rows.slice(i, i + CHUNK))
          .onConflict(['target', 'kind', 'namespace', 'name'])
          .merge();
      }
    });
  }

  async removeInventory(target: string, refs: ResourceRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.knex.transaction(async tx => {
      for (const ref of refs) {
        await tx<InventoryRow>(INVENTORY_TABLE)
          .where({
            target,
            kind: ref.kind,
            namespace: ref.namespace,
            name: ref.name,
          })
          .delete();
      }
    });
  }
}

function toIso(value: Date | string | number): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
