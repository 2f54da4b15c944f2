/*
 * Short-lived signed URLs for archive downloads. Terraform fetches the X-Terraform-Get location
 * without the registry's credentials, so the location itself carries the permission: an HMAC
 * over the path and the expiry. Forged and expired URLs are refused with different messages.
 */
import crypto from 'crypto';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export class SignedUrls {
  readonly #key: Buffer;
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: {
    secret: string;
    ttlSeconds: number;
    now?: () => number;
  }) {
    this.#key = Buffer.from(options.secret, 'utf8');
    this.#ttlSeconds = options.ttlSeconds;
    this.#now = options.now ?? Date.now;
  }

  #mac(path: string, expires: number): string {
    return crypto
      .createHmac('sha256', this.#key)
      .update(`${path}\n${expires}`)
      .digest('base64url');
  }

  /** the query string (`expires=...&signature=...`) that authorises `path` for the TTL */
  sign(path: string): string {
    const expires = Math.floor(this.#now() / 1000) + this.#ttlSeconds;
    return `expires=${expires}&signature=${this.#mac(path, expires)}`;
  }

  verify(path: string, expires: unknown, signature: unknown): SignatureCheck {
    if (typeof expires !== 'string' || typeof signature !== 'string') {
      return {
        ok: false,
        reason:
          'this download needs a signed URL (expires and signature); ask the registry for the version again',
      };
    }
    const at = Number(expires);
    const expected = Buffer.from(this.#mac(path, at));
    const given = Buffer.from(signature);
    if (
      !/^\d{1,12}$/.test(expires) ||
      given.length !== expected.length ||
      !crypto.timingSafeEqual(given, expected)
    ) {
      return {
        ok: false,
        reason:
          'the signature of this download URL does not match: the URL was altered or not issued by this registry',
      };
    }
    if (at * 1000 < this.#now()) {
      return {
        ok: false,
        reason: `this download URL expired at ${new Date(
          at * 1000,
        ).toISOString()}; ask the registry for the version again`,
      };
    }
    return { ok: true };
  }
}
