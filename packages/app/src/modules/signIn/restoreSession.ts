/*
 * A page load of a user who had signed in with the cluster's IdentityProvider: the session is
 * renewed with the provider's refresh token (kept by the auth backend in an httpOnly cookie), and
 * when that fails the sign-in page says why — SignInPage alone would show its form without a word.
 */
import type { IdentityProviderStatus } from './identityProviderStatus';

/** where SignInPage (core-components) records the provider a user signed in with */
export const SIGN_IN_PROVIDER_KEY = '@backstage/core:SignInPage:provider';

/** the sign-in page's id of the IdentityProvider's entry */
export const BUTLER_SIGN_IN_ID = 'butler-auth-provider';

export interface RestoredSession {
  /** renewed: SignInPage restores it from the auth API's memory, without another request */
  renewed: boolean;
  /** why a session that was there is no more, for the sign-in page */
  notice?: string;
}

/**
 * Renews the IdentityProvider's session when the user had signed in with it — whatever the
 * status says, so a status not read in time (a backend restarting) costs no session. A session
 * the provider refused is forgotten, so its message is shown once; one waiting for a broken or
 * removed IdentityProvider is kept and tried again on the next load.
 */
export async function restoreButlerSession(options: {
  storage: Pick<Storage, 'getItem' | 'removeItem'>;
  status: IdentityProviderStatus | undefined;
  /** renews the IdentityProvider's session; undefined (or an error) when it cannot */
  renew: () => Promise<unknown>;
}): Promise<RestoredSession> {
  const { storage, status } = options;
  if (storage.getItem(SIGN_IN_PROVIDER_KEY) !== BUTLER_SIGN_IN_ID) {
    return { renewed: false };
  }
  let renewed: unknown;
  try {
    renewed = await options.renew();
  } catch {
    renewed = undefined;
  }
  if (renewed) return { renewed: true };
  const name = status?.name ?? "the cluster's IdentityProvider";
  if (status?.phase !== 'Ready') {
    return {
      renewed: false,
      notice: `You were signed out: sign-in with ${name} is unavailable (${
        status?.reason ?? 'its status could not be read'
      }). Sign in another way, or again once it is back.`,
    };
  }
  storage.removeItem(SIGN_IN_PROVIDER_KEY);
  return {
    renewed: false,
    notice: `Your session with ${name} has ended: the identity provider did not renew it (it was revoked or has expired). Sign in again.`,
  };
}
