/*
 * Finds the User entity of an email (a Workspace's spec.owner) in the catalog. Answers are kept
 * for a short while, so that processing thousands of workspaces of a few owners asks the catalog
 * once per owner rather than once per workspace. Misses are kept for less time than hits: at
 * first start the workspaces may be processed before the users, and a User added later should
 * be found on the next processing of its workspaces.
 */
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { userRefByEmail } from '@butler-portal/plugin-gitops-node';

export interface UserByEmailResolverOptions {
  catalog: Pick<CatalogService, 'getEntities'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  logger: LoggerService;
  /** how long a found User is reused (default 30 s) */
  ttlMs?: number;
  /** how long "no such User" is reused (default 5 s) */
  missTtlMs?: number;
  now?: () => number;
}

interface Answer {
  userRef?: string;
  at: number;
}

export class UserByEmailResolver {
  readonly #options: UserByEmailResolverOptions;
  readonly #answers = new Map<string, Answer>();
  readonly #inFlight = new Map<string, Promise<string | undefined>>();

  constructor(options: UserByEmailResolverOptions) {
    this.#options = options;
  }

  /** the ref of the one User whose spec.profile.email is `email` (case-insensitive) */
  async userRefByEmail(email: string): Promise<string | undefined> {
    const key = email.trim().toLocaleLowerCase('en-US');
    if (!key) return undefined;
    const now = (this.#options.now ?? Date.now)();
    const known = this.#answers.get(key);
    const ttl = known?.userRef
      ? this.#options.ttlMs ?? 30_000
      : this.#options.missTtlMs ?? 5_000;
    if (known && now - known.at < ttl) {
      return known.userRef;
    }
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#lookUp(key)
        .then(userRef => {
          this.#answers.set(key, { userRef, at: now });
          return userRef;
        })
        .finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  async #lookUp(email: string): Promise<string | undefined> {
    const { catalog, auth, logger } = this.#options;
    return userRefByEmail(email, {
      catalog,
      auth,
      onAmbiguous: refs => {
        const users = refs.join(', ');
        logger.warn(
          `${refs.length} users have the email ${email} (${users}); ` +
            `set the annotation portal.butlerlabs.dev/owner on their workspaces to say which one owns them`,
        );
      },
    });
  }
}
