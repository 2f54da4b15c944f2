import { signInProviders, signInProvidersFromConfig } from './index';

describe('signInProvidersFromConfig', () => {
  it('offers guest on the embedded defaults', () => {
    expect(signInProvidersFromConfig(undefined)).toEqual(['guest']);
  });

  it('offers the configured providers in order', () => {
    const providers = signInProvidersFromConfig(['oidc', 'github']);
    expect(providers.map(p => (typeof p === 'string' ? p : p.id))).toEqual([
      'oidc-auth-provider',
      'github-auth-provider',
    ]);
  });

  it('ignores unknown names instead of offering nothing', () => {
    expect(signInProvidersFromConfig(['saml'])).toEqual(['guest']);
  });
});

describe('signInProviders', () => {
  const ready = {
    name: 'corp',
    phase: 'Ready' as const,
    issuer: 'https://login.example.com',
    clientId: 'portal',
  };

  it("offers the cluster's IdentityProvider first when it is Ready, the others still", () => {
    const providers = signInProviders(undefined, ready);
    expect(providers.map(p => (typeof p === 'string' ? p : p.id))).toEqual([
      'butler-auth-provider',
      'guest',
    ]);
    const [butler] = providers as Array<{ title: string; message: string }>;
    expect(butler.title).toBe('Sign in with corp');
    expect(butler.message).toContain('https://login.example.com');
    expect(
      signInProviders(['github'], ready).map(p =>
        typeof p === 'string' ? p : p.id,
      ),
    ).toEqual(['butler-auth-provider', 'github-auth-provider']);
  });

  it('offers it when its session was just renewed, whatever the status said', () => {
    expect(
      signInProviders(undefined, undefined, { renewed: true }).map(p =>
        typeof p === 'string' ? p : p.id,
      ),
    ).toEqual(['butler-auth-provider', 'guest']);
  });

  it('leaves it out when it is broken, absent, or the status cannot be read', () => {
    for (const status of [
      {
        phase: 'Failed' as const,
        reason: 'Secret butler-system/oidc not found',
      },
      { phase: 'NotFound' as const },
      { phase: 'Pending' as const },
      undefined,
    ]) {
      expect(signInProviders(['guest', 'github'], status)).toEqual(
        signInProvidersFromConfig(['guest', 'github']),
      );
    }
  });
});
