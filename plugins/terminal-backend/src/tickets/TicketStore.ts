/*
 * Single-use, short-lived tickets for the terminal's WebSocket upgrade. A browser cannot put an
 * Authorization header on a WebSocket, and a token in the URL ends up in proxy logs and history;
 * so the user asks for a ticket over HTTPS with their Backstage identity (POST /tickets), and
 * hands it over in the upgrade's Sec-WebSocket-Protocol header. A ticket is 32 random bytes,
 * valid for a few seconds, and redeemed at most once; what it grants (who, which workspace,
 * read-only or not) was decided when it was issued and is decided again before the exec starts.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { randomBytes } from 'crypto';

export interface TicketGrant {
  userEntityRef: string;
  namespace: string;
  name: string;
  /** the holder's identity, to ask the permission again at connect time (memory only) */
  credentials: BackstageCredentials;
}

interface Entry extends TicketGrant {
  expiresAt: number;
}

export class TicketStore {
  readonly #tickets = new Map<string, Entry>();

  constructor(
    private readonly options: { ttlMs: number; now?: () => number },
  ) {}

  #now() {
    return (this.options.now ?? Date.now)();
  }

  issue(grant: TicketGrant): { ticket: string; expiresAt: string } {
    this.#sweep();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.#now() + this.options.ttlMs;
    this.#tickets.set(ticket, { ...grant, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The grant of a valid ticket, which is spent by this call; undefined otherwise. */
  redeem(ticket: string): TicketGrant | undefined {
    // a Map lookup: a 256-bit random key cannot be guessed through timing of the lookup
    const entry = this.#tickets.get(ticket);
    if (!entry) return undefined;
    this.#tickets.delete(ticket);
    if (entry.expiresAt <= this.#now()) return undefined;
    const { expiresAt: _, ...grant } = entry;
    return grant;
  }

  /** how many tickets are waiting (tests, metrics) */
  size(): number {
    this.#sweep();
    return this.#tickets.size;
  }

  #sweep() {
    const now = this.#now();
    for (const [k, v] of this.#tickets)
      if (v.expiresAt <= now) this.#tickets.delete(k);
  }
}
