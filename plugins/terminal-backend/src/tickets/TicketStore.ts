/*
 * Single-use, short-lived tickets for the terminal's WebSocket upgrade. A browser cannot put an
 * Authorization header on a WebSocket, and a token in the URL ends up in proxy logs and history;
 * so the user asks for a ticket over HTTPS with their Backstage identity (POST /tickets), and
 * hands it over in the upgrade's Sec-WebSocket-Protocol header.
 *
 * Tickets live in the plugin's database, so that the upgrade may reach any replica, not only the
 * one that issued the ticket. A ticket is 32 random bytes; the table holds only its SHA-256 (the
 * row's key) and the grant sealed with AES-256-GCM under a key derived from the ticket itself
 * (HKDF): the grant carries the holder's Backstage token (the redeeming replica authenticates it
 * again and asks the permissions as that user), and a copy of the database yields neither a
 * usable ticket nor a token. A ticket is redeemed at most once: of concurrent redemptions, the
 * one whose DELETE removes the row wins (one statement, atomic on every database Backstage
 * supports); the others find nothing. Expired rows are swept when tickets are issued.
 */
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { migratePluginDatabase } from '@butler-portal/plugin-gitops-node';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
} from 'crypto';
import type { Knex } from 'knex';

export const TICKETS_TABLE = 'terminal_tickets';

/** What a terminal session opens: a workspace's pod, or a pod of a tenant cluster. */
export type TerminalTargetRef =
  | { kind: 'workspace'; namespace: string; name: string }
  | {
      kind: 'cluster';
      namespace: string;
      name: string;
      pod: { namespace: string; name: string; container?: string };
    };

export interface TicketGrant {
  userEntityRef: string;
  target: TerminalTargetRef;
  /** the holder's Backstage token: authenticated again, and the permission asked again, at connect */
  token: string;
}

const HKDF_INFO = 'butler.terminal.ticket.v1';
const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url

const idOf = (ticket: string) =>
  createHash('sha256').update(ticket).digest('hex');
const keyOf = (ticket: string) =>
  Buffer.from(
    hkdfSync('sha256', Buffer.from(ticket), Buffer.alloc(0), HKDF_INFO, 32),
  );

function seal(ticket: string, grant: TicketGrant): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(ticket), iv);
  const body = Buffer.concat([
    cipher.update(JSON.stringify(grant), 'utf8'),
    cipher.final(),
  ]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function unseal(ticket: string, sealed: string): TicketGrant | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyOf(ticket),
      raw.subarray(0, 12),
    );
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([
      decipher.update(raw.subarray(28)),
      decipher.final(),
    ]).toString('utf8');
    return JSON.parse(text) as TicketGrant;
  } catch {
    return undefined; // tampered with: as good as unknown
  }
}

/**
 * Migrates the plugin's database; replicas starting at once wait for each other
 * (migratePluginDatabase).
 */
export async function migrateTerminalDatabase(
  database: DatabaseService,
  options: { retryDelayMs?: number; maxWaitMs?: number } = {},
): Promise<Knex> {
  return migratePluginDatabase(database, {
    ...options,
    directory: resolvePackagePath(
      '@butler-portal/plugin-terminal-backend',
      'migrations',
    ),
    tableName: 'terminal_knex_migrations',
  });
}

export class TicketStore {
  constructor(
    private readonly db: Knex,
    private readonly options: { ttlMs: number; now?: () => number },
  ) {}

  #now() {
    return (this.options.now ?? Date.now)();
  }

  async issue(
    grant: TicketGrant,
  ): Promise<{ ticket: string; expiresAt: string }> {
    const now = this.#now();
    await this.db(TICKETS_TABLE).where('expires_at', '<=', now).delete();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + this.options.ttlMs;
    await this.db(TICKETS_TABLE).insert({
      id: idOf(ticket),
      sealed: seal(ticket, grant),
      expires_at: expiresAt,
    });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The grant of a valid ticket, which is spent by this call; undefined otherwise. */
  async redeem(ticket: string): Promise<TicketGrant | undefined> {
    if (!TICKET_PATTERN.test(ticket)) return undefined;
    const id = idOf(ticket);
    const row = await this.db(TICKETS_TABLE)
      .where({ id })
      .first(['sealed', 'expires_at']);
    if (!row) return undefined;
    // the one DELETE that removes the row wins; a concurrent redemption deletes nothing
    const deleted = await this.db(TICKETS_TABLE).where({ id }).delete();
    if (deleted !== 1) return undefined;
    if (Number(row.expires_at) <= this.#now()) return undefined;
    return unseal(ticket, row.sealed);
  }

  /** how many unexpired tickets are waiting (tests, metrics) */
  async size(): Promise<number> {
    const [{ count }] = await this.db(TICKETS_TABLE)
      .where('expires_at', '>', this.#now())
      .count({ count: '*' });
    return Number(count);
  }
}
