import { toOidcSettings, withOfflineAccess } from './oidcSettings';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const idp = (oidc: Record<string, unknown>, type = 'oidc') => ({
  metadata: { name: 'corp' },
  spec: { type, oidc },
});
const valid = {
  issuerURL: 'https://login.example.com/',
  clientID: 'portal',
  clientSecretRef: { name: 'oidc' },
};
const secrets =
  (data?: Record<string, string>) => async (ns: string, name: string) =>
    ns === 'butler-system' && name === 'oidc' ? data : undefined;

describe('toOidcSettings', () => {
  it('maps the CRD fields with their defaults', async () => {
    expect(
      await toOidcSettings(
        idp(valid),
        secrets({ 'client-secret': b64('s3cret\n') }),
      ),
    ).toEqual({
      ok: true,
      settings: {
        name: 'corp',
        issuer: 'https://login.example.com',
        metadataUrl:
          'https://login.example.com/.well-known/openid-configuration',
        clientId: 'portal',
        clientSecret: 's3cret',
        scopes: ['openid', 'email', 'profile'],
        emailClaim: 'email',
        groupsClaim: 'groups',
      },
    });
    const custom = await toOidcSettings(
      idp({
        ...valid,
        scopes: ['openid', 'groups'],
        emailClaim: 'upn',
        groupsClaim: '',
        hostedDomain: 'example.com',
        clientSecretRef: { name: 'oidc', key: 'other' },
      }),
      secrets({ other: b64('x') }),
    );
    expect(custom).toMatchObject({
      ok: true,
      settings: {
        scopes: ['openid', 'groups'],
        emailClaim: 'upn',
        hostedDomain: 'example.com',
        clientSecret: 'x',
      },
    });
    expect((custom as any).settings.groupsClaim).toBeUndefined();
  });

  it.each([
    [
      idp(valid, 'ldap'),
      'IdentityProvider corp: spec.type is "ldap", not "oidc"',
    ],
    [
      idp({ ...valid, issuerURL: 'not a url' }),
      'IdentityProvider corp: spec.oidc.issuerURL "not a url" is not a URL',
    ],
    [
      idp({ ...valid, clientID: '' }),
      'IdentityProvider corp: spec.oidc.clientID is required',
    ],
    [
      idp({ ...valid, clientSecretRef: { name: 'missing' } }),
      'IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/missing not found',
    ],
    [
      idp({ ...valid, clientSecretRef: { name: 'oidc', key: 'nope' } }),
      'IdentityProvider corp: spec.oidc.clientSecretRef.key Secret butler-system/oidc has no key "nope"',
    ],
  ])('names the field at fault (%#)', async (object, reason) => {
    expect(
      await toOidcSettings(object, secrets({ 'client-secret': b64('s') })),
    ).toEqual({
      ok: false,
      name: 'corp',
      reason,
    });
  });
});

describe('withOfflineAccess', () => {
  const scopes = ['openid', 'email', 'profile'];

  it('asks for a refresh token when the issuer supports it or does not say', () => {
    expect(withOfflineAccess(scopes)).toEqual([...scopes, 'offline_access']);
    expect(
      withOfflineAccess(scopes, ['openid', 'email', 'offline_access']),
    ).toEqual([...scopes, 'offline_access']);
  });

  it("leaves it out when the issuer's scopes_supported lacks it (Google)", () => {
    expect(withOfflineAccess(scopes, ['openid', 'email', 'profile'])).toEqual(
      scopes,
    );
  });

  it('keeps the CR listing it, once', () => {
    const listed = ['openid', 'offline_access', 'groups'];
    expect(withOfflineAccess(listed, ['openid'])).toEqual(listed);
    expect(withOfflineAccess(listed)).toEqual(listed);
  });
});
