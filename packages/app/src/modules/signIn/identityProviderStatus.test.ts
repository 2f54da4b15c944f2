import {
  describeIdentityProvider,
  fetchIdentityProviderStatus,
} from './identityProviderStatus';

const discoveryApi = {
  getBaseUrl: async (id: string) => `http://backend.test/api/${id}`,
};

const answer = (status: number, body: unknown) =>
  jest.fn(
    async (_url: RequestInfo | URL, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );

describe('fetchIdentityProviderStatus', () => {
  it("reads the auth backend's status route without an identity", async () => {
    const fetch = answer(200, { name: 'corp', phase: 'Ready' });
    expect(await fetchIdentityProviderStatus(discoveryApi, { fetch })).toEqual({
      name: 'corp',
      phase: 'Ready',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend.test/api/auth/identity-provider/status',
    );
    expect(fetch.mock.calls[0][1]?.headers).toBeUndefined();
  });

  it('says what went wrong: an error answer, or something that is not a status', async () => {
    await expect(
      fetchIdentityProviderStatus(discoveryApi, { fetch: answer(404, {}) }),
    ).rejects.toThrow(
      'http://backend.test/api/auth/identity-provider/status answered 404',
    );
    await expect(
      fetchIdentityProviderStatus(discoveryApi, {
        fetch: answer(200, { phase: 'Maybe' }),
      }),
    ).rejects.toThrow('did not answer with an identity provider status');
  });
});

describe('describeIdentityProvider', () => {
  it('says configured, broken with the reason, or not configured', () => {
    expect(
      describeIdentityProvider({
        name: 'corp',
        phase: 'Ready',
        issuer: 'https://login.example.com',
      }),
    ).toEqual({
      state: 'configured',
      summary:
        'IdentityProvider corp is configured: users sign in through https://login.example.com.',
    });
    expect(
      describeIdentityProvider({
        name: 'corp',
        phase: 'Failed',
        reason:
          'IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found',
      }),
    ).toEqual({
      state: 'broken',
      summary:
        'IdentityProvider corp is broken: IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found.',
    });
    expect(
      describeIdentityProvider({
        phase: 'NotFound',
        reason: 'no IdentityProvider of type oidc',
      }).state,
    ).toBe('not configured');
    expect(describeIdentityProvider({ phase: 'Pending' }).state).toBe(
      'checking',
    );
  });
});
