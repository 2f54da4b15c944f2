import {
  BUTLER_SIGN_IN_ID,
  SIGN_IN_PROVIDER_KEY,
  restoreButlerSession,
} from './restoreSession';

const ready = { name: 'corp', phase: 'Ready' as const };
const ENDED =
  'Your session with corp has ended: the identity provider did not renew it (it was revoked or has expired). Sign in again.';

function storage(value: string | null) {
  const items = new Map<string, string>();
  if (value !== null) items.set(SIGN_IN_PROVIDER_KEY, value);
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    removeItem: (k: string) => {
      items.delete(k);
    },
  };
}

describe('restoreButlerSession', () => {
  it('says nothing and asks nothing without a session with the IdentityProvider', async () => {
    for (const stored of [null, 'guest', 'github-auth-provider']) {
      const renew = jest.fn();
      expect(
        await restoreButlerSession({
          storage: storage(stored),
          status: ready,
          renew,
        }),
      ).toEqual({ renewed: false });
      expect(renew).not.toHaveBeenCalled();
    }
  });

  it('renews the session and keeps it, even when the status was not read in time', async () => {
    for (const status of [ready, undefined, { phase: 'Pending' as const }]) {
      const s = storage(BUTLER_SIGN_IN_ID);
      expect(
        await restoreButlerSession({
          storage: s,
          status,
          renew: async () => ({ token: 't' }),
        }),
      ).toEqual({ renewed: true });
      expect(s.items.get(SIGN_IN_PROVIDER_KEY)).toBe(BUTLER_SIGN_IN_ID);
    }
  });

  it('says the session ended when it is not renewed (or the renewal fails), and forgets it', async () => {
    for (const renew of [
      async () => undefined,
      async () => {
        throw new Error('Auth refresh request failed, Unauthorized');
      },
    ]) {
      const s = storage(BUTLER_SIGN_IN_ID);
      expect(
        await restoreButlerSession({ storage: s, status: ready, renew }),
      ).toEqual({ renewed: false, notice: ENDED });
      expect(s.items.has(SIGN_IN_PROVIDER_KEY)).toBe(false);
    }
  });

  it('names the reason when the IdentityProvider is unavailable, and keeps the session for its return', async () => {
    const s = storage(BUTLER_SIGN_IN_ID);
    const renew = async () => undefined;
    expect(
      await restoreButlerSession({
        storage: s,
        status: {
          name: 'corp',
          phase: 'NotFound',
          reason: 'IdentityProvider corp not found',
        },
        renew,
      }),
    ).toEqual({
      renewed: false,
      notice:
        'You were signed out: sign-in with corp is unavailable (IdentityProvider corp not found). Sign in another way, or again once it is back.',
    });
    expect(s.items.get(SIGN_IN_PROVIDER_KEY)).toBe(BUTLER_SIGN_IN_ID);
    expect(
      await restoreButlerSession({ storage: s, status: undefined, renew }),
    ).toEqual({
      renewed: false,
      notice:
        "You were signed out: sign-in with the cluster's IdentityProvider is unavailable (its status could not be read). Sign in another way, or again once it is back.",
    });
  });
});
