import { signInProvidersFromConfig } from './index';

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
