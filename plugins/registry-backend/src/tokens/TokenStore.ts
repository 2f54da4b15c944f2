/*
 * Registry tokens: created (the secret shown once), listed, revoked. Stored as sha256 only, so a
 * database dump gives no usable token. A revoked token is refused from the next request on.
 */
import crypto from 'crypto';
import type { Knex } from 'knex';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  BoundedMap,
  migratePluginDatabase,
} from '@butler-portal/plugin-gitops-node';
import type {
  CreatedRegistryToken,
  RegistryTokenInfo,
} from '@butler-portal/plugin-registry-common';

export const TOKEN_PREFIX = 'krt_';
const TABLE = 'registry_tokens';

interface Row {
  id: string;
  name: string;
  owner_ref: string;
  namespaces: string;
  token_hash: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

export type TokenCheck =
  | { ok: true; token: RegistryTokenInfo }
  | { ok: false; reason: string };

function hash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function iso(value: Date | string | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value).toISOString();
}

function toInfo(row: Row): RegistryTokenInfo {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner_ref,
    namespaces: JSON.parse(row.namespaces),
    createdAt: iso(row.created_at)!,
    ...(row.revoked_at && { revokedAt: iso(row.revoked_at) }),
    ...(row.last_used_at && { lastUsedAt: iso(row.last_used_at) }),
  };
}

/**
 * Migrates the plugin's database; replicas starting at once wait for each other
 * (migratePluginDatabase).
 */
export async function migrateRegistryDatabase(
  database: DatabaseService,
  options: { retryDelayMs?: number; maxWaitMs?: number } = {},
): Promise<Knex> {
  return migratePluginDatabase(database, {
    ...options,
    directory: resolvePackagePath(
      '@butler-portal/plugin-registry-backend',
      'migrations',
    ),
    tableName: 'registry_knex_migrations',
  });
}

/** a checked token is trusted this long without the database (revocation here is at once) */
const CHECK_CACHE_MS = 10_000;
/** the time of last use is written at most this often per token */
const LAST_USED_WRITE_MS = 60_000;
const MAX_CACHED = 10_000;

export class TokenStore {
  readonly #checked = new BoundedMap<
    string,
    { token: RegistryTokenInfo; at: number }
  >({ maxEntries: MAX_CACHED });
  readonly #lastUsedWrite = new Map<string, number>();

  constructor(
    private readonly knex: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: {
    name: string;
    owner: string;
    namespaces: string[];
  }): Promise<CreatedRegistryToken> {
    const token = `${TOKEN_PREFIX}${crypto
      .randomBytes(32)
      .toString('base64url')}`;
    const row = {
      id: crypto.randomUUID(),
      name: input.name,
      owner_ref: input.owner,
      namespaces: JSON.stringify([...new Set(input.namespaces)].sort()),
      token_hash: hash(token),
      created_at: new Date(),
    };
    await this.knex(TABLE).insert(row);
    return {
      ...toInfo({ ...row, revoked_at: null, last_used_at: null }),
      token,
    };
  }

  /** tokens of one owner (every token when `owner` is undefined), newest first */
  async list(owner?: string): Promise<RegistryTokenInfo[]> {
    const query = this.knex<Row>(TABLE).orderBy('created_at', 'desc');
    if (owner !== undefined) query.where({ owner_ref: owner });
    return (await query).map(toInfo);
  }

  async get(id: string): Promise<RegistryTokenInfo | undefined> {
    const row = await this.knex<Row>(TABLE).where({ id }).first();
    return row ? toInfo(row) : undefined;
  }

  /** @returns false when there is no such token */
  async revoke(id: string): Promise<boolean> {
    // this process refuses the token from now on; other replicas within CHECK_CACHE_MS
    for (const [hashed, entry] of this.#checked) {
      if (entry.token.id === id) this.#checked.delete(hashed);
    }
    const updated = await this.knex(TABLE)
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date() });
    return updated > 0 || (await this.get(id)) !== undefined;
  }

  async check(token: string): Promise<TokenCheck> {
    const hashed = hash(token);
    const now = this.now();
    const cached = this.#checked.get(hashed);
    if (cached && now - cached.at < CHECK_CACHE_MS) {
      return { ok: true, token: cached.token };
    }
    const row = await this.knex<Row>(TABLE)
      .where({ token_hash: hashed })
      .first();
    if (!row) {
      return { ok: false, reason: 'the registry token is not known' };
    }
    if (row.revoked_at) {
      return {
        ok: false,
        reason: `the registry token "${row.name}" was revoked at ${iso(
          row.revoked_at,
        )}`,
      };
    }
    const info = toInfo(row);
    this.#checked.set(hashed, { token: info, at: now });
    // best effort and throttled: the time of use is information, not a gate
    if (now - (this.#lastUsedWrite.get(row.id) ?? 0) >= LAST_USED_WRITE_MS) {
      this.#lastUsedWrite.set(row.id, now);
      void this.knex(TABLE)
        .where({ id: row.id })
        .update({ last_used_at: new Date(now) })
        .catch(() => undefined);
    }
    return { ok: true, token: info };
  }
}
