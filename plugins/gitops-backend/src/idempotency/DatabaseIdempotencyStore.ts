/*
 * Idempotency keys in the plugin's database, so that they survive restarts and hold across
 * replicas. A claim is an INSERT guarded by the primary key (key, user_ref): of two requests
 * racing with one key, the database lets exactly one insert; the other reads the row and learns
 * that the key is in use, done, or was used for a different request.
 */
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  migratePluginDatabase,
  type IdempotencyClaim,
  type IdempotencyKeyRef,
  type IdempotencyStore,
} from '@butler-portal/plugin-gitops-node';
import type { Knex } from 'knex';

export const IDEMPOTENCY_TABLE = 'gitops_idempotency_keys';

interface Row {
  key: string;
  user_ref: string;
  request_hash: string;
  change_id: string | null;
  claimed_at: number | string;
}

export interface DatabaseIdempotencyStoreOptions {
  /** after this long an unfinished claim (its process died) may be taken over; default 2 min */
  claimTimeoutMs?: number;
  now?: () => number;
}

/**
 * Applies the plugin's migrations (unless the backend is told to skip them); replicas starting
 * at once wait for each other (migratePluginDatabase).
 */
export async function migrateGitopsDatabase(
  database: DatabaseService,
  options: { retryDelayMs?: number; maxWaitMs?: number } = {},
): Promise<Knex> {
  return migratePluginDatabase(database, {
    ...options,
    directory: resolvePackagePath(
      '@butler-portal/plugin-gitops-backend',
      'migrations',
    ),
  });
}

/** a duplicate primary key, in the words of each database the backend runs on */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'ER_DUP_ENTRY' // MySQL
  );
}

export class DatabaseIdempotencyStore implements IdempotencyStore {
  private readonly claimTimeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly knex: Knex,
    options: DatabaseIdempotencyStoreOptions = {},
  ) {
    this.claimTimeoutMs = options.claimTimeoutMs ?? 2 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async claim(
    input: IdempotencyKeyRef & { requestHash: string },
  ): Promise<IdempotencyClaim> {
    const where = { key: input.key, user_ref: input.userRef };
    // a row released between our insert and our read: try again, a few times at most
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimedAt = this.now();
      try {
        await this.knex<Row>(IDEMPOTENCY_TABLE).insert({
          ...where,
          request_hash: input.requestHash,
          change_id: null,
          claimed_at: claimedAt,
        });
        return { state: 'claimed' };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const row = await this.knex<Row>(IDEMPOTENCY_TABLE).where(where).first();
      if (!row) continue;
      if (row.request_hash !== input.requestHash) return { state: 'mismatch' };
      if (row.change_id) return { state: 'completed', changeId: row.change_id };
      if (claimedAt - Number(row.claimed_at) < this.claimTimeoutMs)
        return { state: 'in_progress' };
      // the claim was abandoned; take it over unless another request just did
      const taken = await this.knex<Row>(IDEMPOTENCY_TABLE)
        .where({ ...where, change_id: null, claimed_at: row.claimed_at })
        .update({ claimed_at: claimedAt });
      return taken === 1 ? { state: 'claimed' } : { state: 'in_progress' };
    }
    return { state: 'in_progress' };
  }

  async complete(
    input: IdempotencyKeyRef & { changeId: string },
  ): Promise<void> {
    await this.knex<Row>(IDEMPOTENCY_TABLE)
      .where({ key: input.key, user_ref: input.userRef })
      .update({ change_id: input.changeId });
  }

  async release(input: IdempotencyKeyRef): Promise<void> {
    await this.knex<Row>(IDEMPOTENCY_TABLE)
      .where({ key: input.key, user_ref: input.userRef })
      .whereNull('change_id')
      .delete();
  }

  /** forgets keys older than `maxAgeMs` (a retry comes within minutes, not days) */
  async deleteExpired(maxAgeMs: number): Promise<number> {
    return this.knex<Row>(IDEMPOTENCY_TABLE)
      .where('claimed_at', '<', this.now() - maxAgeMs)
      .delete();
  }
}
