/*
 * Sign-in configured only through an IdentityProvider on the test API server, against a real
 * OpenID Provider run locally (the oidc-provider package): the start redirect carries the CR's
 * client and scopes, a full sign-in yields a Backstage token for the catalog User of the email
 * with the group claims as Group membership, the provider's refresh token (kept in Backstage's
 * httpOnly cookie) renews the session without a login until it is revoked, a changed CR counts
 * without a restart, and a broken one is reported on the status route while the provider answers
 * 503.
 */
import { Server } from 'http';
import { AddressInfo } from 'net';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  loadButlerCrds,
  startKubeTestApiServer,
  type KubeTestApiServerHandle,
} from '@butler-portal/kube-test-apiserver';
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import request from 'supertest';
import { authModuleButlerOidc } from './module';
import https from 'https';
import {
  browserRequest,
  selfSignedCertificate,
  startOidcServer,
} from './__testUtils__/oidcServer';

jest.setTimeout(60_000);

const IDP = {
  group: 'butler.butlerlabs.dev',
  version: 'v1alpha1',
  plural: 'identityproviders',
};

async function eventually<T>(
  what: string,
  f: () => Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    last = await f();
    if (last) return last as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/** A minimal cookie jar for one origin. */
class Jar {
  cookies = new Map<string, string>();
  take(res: { setCookies: string[] }) {
    for (const c of res.setCookies) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

describe('sign-in from the IdentityProvider', () => {
  let kube: KubeTestApiServerHandle;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let oidc: Awaited<ReturnType<typeof startOidcServer>>;
  let base: string;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let ca: string;
  let originalCa: unknown;
  /** the portal's cookies in alice's browser once she signed in */
  const jar = new Jar();

  beforeAll(async () => {
    kube = await startKubeTestApiServer({
      crds: loadButlerCrds(['identityproviders.butler.butlerlabs.dev']),
      namespaces: ['default', 'butler-system'],
    });
    custom = kube.kubeconfig.makeApiClient(CustomObjectsApi);
    core = kube.kubeconfig.makeApiClient(CoreV1Api);
    const dir = createMockDirectory({
      content: { 'kubeconfig.yaml': kube.kubeconfigYaml },
    });
    // the CRD wants https: the OpenID Provider gets a self-signed certificate, which this
    // process trusts as NODE_EXTRA_CA_CERTS would make a production backend trust a private CA
    const tls = selfSignedCertificate(dir.path);
    ca = tls.cert;
    originalCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = ca;
    backend = await startTestBackend({
      features: [
        authPlugin,
        authModuleButlerOidc,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'alice', namespace: 'default' },
              spec: { profile: { email: 'alice@example.com' }, memberOf: [] },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            // OIDC keeps its state in a session (Backstage's oidc provider needs it too)
            auth: {
              session: { secret: 'test-only-session-secret' },
              omitIdentityTokenOwnershipClaim: false,
              providers: { butler: { refreshIntervalSeconds: 0.2 } },
            },
            butler: {
              managementCluster: {
                kubeconfigPath: `${dir.path}/kubeconfig.yaml`,
              },
            },
          },
        }),
      ],
    });
    const { port } = (backend.server as Server).address() as AddressInfo;
    base = `http://localhost:${port}`;
    oidc = await startOidcServer({
      clients: ['portal', 'portal2'].map(id => ({
        client_id: id,
        client_secret: 's3cret',
        redirect_uris: [`${base}/api/auth/butler/handler/frame`],
      })),
      accounts: {
        alice: { email: 'alice@example.com', groups: ['sre', 'Team-A'] },
      },
      tls,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await oidc?.stop();
    await kube?.stop();
    https.globalAgent.options.ca = originalCa as string | undefined;
  });

  const status = async () =>
    (
      await request(backend.server as Server)
        .get('/api/auth/identity-provider/status')
        .expect(200)
    ).body;

  /**
   * A complete sign-in of alice in a browser whose portal cookies are `browser`: 1. the portal
   * sends the browser to the issuer (the current IdentityProvider's client and scopes), 2. the
   * OpenID Provider's login and consent (its dev interactions), 3. the portal exchanges the code.
   */
  const signIn = async (browser: Jar) => {
    const start = await browserRequest(
      `${base}/api/auth/butler/start?env=development&origin=${encodeURIComponent(
        'http://localhost:3000',
      )}`,
    );
    browser.take(start);
    expect([start.status, start.status === 302 ? '' : start.body]).toEqual([
      302,
      '',
    ]);
    const authorize = new URL(start.location!);
    const opJar = new Jar();
    let next = authorize.toString();
    let callback: string | undefined;
    for (let step = 0; step < 12 && !callback; step++) {
      const res = await browserRequest(next, {
        headers: { cookie: opJar.header() },
        ca,
      });
      opJar.take(res);
      const location = res.location;
      if (location) {
        const url = new URL(location, next).toString();
        if (url.startsWith(`${base}/api/auth/butler/handler/frame`))
          callback = url;
        else next = url;
        continue;
      }
      const html = res.body;
      const action = /action="([^"]+)"/.exec(html)?.[1];
      if (!action)
        throw new Error(
          `the OpenID Provider showed no form: ${html.slice(0, 300)}`,
        );
      const isLogin = html.includes('name="login"');
      const form = new URLSearchParams(
        isLogin
          ? { prompt: 'login', login: 'alice', password: 'any' }
          : { prompt: 'consent' },
      );
      const post = await browserRequest(new URL(action, next).toString(), {
        method: 'POST',
        headers: {
          cookie: opJar.header(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
        ca,
      });
      opJar.take(post);
      next = new URL(post.location!, next).toString();
    }
    expect(callback).toBeDefined();
    const frame = await browserRequest(callback!, {
      headers: { cookie: browser.header() },
    });
    browser.take(frame);
    return { authorize, frame };
  };

  /** POST /logout as the app does on sign-out; the Set-Cookie headers of the answer */
  const logout = async (cookie: string) => {
    const res = await request(backend.server as Server)
      .post('/api/auth/butler/logout?env=development')
      .set('cookie', cookie)
      .set('x-requested-with', 'XMLHttpRequest')
      .expect(200);
    return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  };
  /** whether `setCookies` removes the refresh-token cookie where it was set */
  const removesRefreshCookie = (setCookies: string[]) =>
    setCookies.some(
      c =>
        /^butler-refresh-token=;/.test(c) &&
        !/; Domain=/.test(c) && // the cookie the sign-in set, not a legacy one
        /; Path=\/api\/auth\/butler(;|$)/.test(c) &&
        /; Max-Age=0(;|$)/.test(c),
    );

  it('says there is no IdentityProvider, and the provider answers 503 with the reason', async () => {
    expect(await status()).toMatchObject({
      phase: 'NotFound',
      reason: 'no IdentityProvider of type oidc',
    });
    const res = await request(backend.server as Server).get(
      '/api/auth/butler/start?env=development',
    );
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(
      "sign-in with the cluster's IdentityProvider is unavailable: no IdentityProvider of type oidc",
    );
    // signing out still ends the session this browser holds (one from before the CR went)
    expect(
      removesRefreshCookie(await logout('butler-refresh-token=left-over')),
    ).toBe(true);
  });

  it('signs in through the OpenID Provider named by the IdentityProvider, groups as membership', async () => {
    await core.createNamespacedSecret({
      namespace: 'butler-system',
      body: {
        metadata: { name: 'oidc-client' },
        data: { 'client-secret': Buffer.from('s3cret').toString('base64') },
      },
    });
    await custom.createClusterCustomObject({
      ...IDP,
      body: {
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'IdentityProvider',
        metadata: { name: 'corp' },
        spec: {
          type: 'oidc',
          displayName: 'Corp SSO',
          oidc: {
            issuerURL: oidc.issuer,
            clientID: 'portal',
            clientSecretRef: {
              name: 'oidc-client',
              namespace: 'butler-system',
            },
            redirectURL: `${base}/api/auth/butler/handler/frame`,
            scopes: ['openid', 'email', 'profile', 'groups'],
            groupsClaim: 'groups',
          },
        },
      },
    });
    await eventually(
      'the IdentityProvider to be Ready',
      async () => (await status()).phase === 'Ready' || undefined,
    );
    expect(await status()).toMatchObject({
      name: 'corp',
      issuer: oidc.issuer,
      clientId: 'portal',
    });

    const { authorize, frame } = await signIn(jar);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${oidc.issuer}/auth`,
    );
    expect(authorize.searchParams.get('client_id')).toBe('portal');
    expect(authorize.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining([
        'openid',
        'email',
        'profile',
        'groups',
        'offline_access',
      ]),
    );
    expect((await status()).scopes).toContain('offline_access');
    // the provider's refresh token is kept in an httpOnly cookie of the auth routes, never
    // handed to the page
    // (the one holding the token: Backstage first removes a legacy cookie of the same name)
    const refreshCookie = frame.setCookies.find(
      c =>
        c.startsWith('butler-refresh-token=') &&
        !c.startsWith('butler-refresh-token=;'),
    );
    expect(refreshCookie).toMatch(/; HttpOnly/i);
    expect(refreshCookie).toMatch(/; Path=\/api\/auth\/butler[;]/);
    // for a day (DEFAULT_SESSION_DURATION), not Backstage's default of 1000 days
    expect(refreshCookie).toMatch(/; Max-Age=86400(;|$)/);
    const refreshToken = jar.cookies.get('butler-refresh-token')!;
    expect(refreshToken).toBeTruthy();
    expect(frame.body).not.toContain(refreshToken);
    // the frame posts the result to the app window: decode what it posts
    const posted = /var authResponse = decodeURIComponent\('([^']+)'\)/.exec(
      frame.body,
    )?.[1];
    const authResponse = JSON.parse(decodeURIComponent(posted ?? '{}'));
    expect(authResponse.type).toBe('authorization_response');
    expect(authResponse.error).toBeUndefined();
    const token: string = authResponse.response.backstageIdentity.token;
    const claims = JSON.parse(
      Buffer.from(token!.split('.')[1], 'base64url').toString(),
    );
    expect(claims.sub).toBe('user:default/alice');
    // the resolver's ownership claims (kept in the token here: omitIdentityTokenOwnershipClaim
    // false; by default the auth backend keeps them as the user's info for userInfo)
    expect(claims.ent).toEqual(
      expect.arrayContaining([
        'user:default/alice',
        'group:default/sre',
        'group:default/team-a',
      ]),
    );
  });

  const refresh = () =>
    browserRequest(`${base}/api/auth/butler/refresh?env=development`, {
      headers: { cookie: jar.header(), 'x-requested-with': 'XMLHttpRequest' },
    });
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

  it('renews the session with the refresh token, without a login, until it is revoked', async () => {
    // what the app does on a page load: /refresh with the cookie, no popup, no provider login
    const renewed = await refresh();
    expect([
      renewed.status,
      renewed.status === 200 ? '' : renewed.body,
    ]).toEqual([200, '']);
    jar.take(renewed);
    const body = JSON.parse(renewed.body);
    expect(claimsOf(body.backstageIdentity.token)).toMatchObject({
      sub: 'user:default/alice',
      ent: expect.arrayContaining([
        'group:default/sre',
        'group:default/team-a',
      ]),
    });
    expect(body.providerInfo.accessToken).toBeTruthy();
    expect(renewed.body).not.toContain(jar.cookies.get('butler-refresh-token'));
    // and again: the session can be renewed as often as the app needs
    expect((await refresh()).status).toBe(200);

    // the provider revokes the refresh token (an administrator, or the user elsewhere)
    const revoked = await browserRequest(`${oidc.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('portal:s3cret').toString(
          'base64',
        )}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        token: jar.cookies.get('butler-refresh-token')!,
        token_type_hint: 'refresh_token',
      }).toString(),
      ca,
    });
    expect(revoked.status).toBe(200);
    const refused = await refresh();
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error).toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringMatching(/^Refresh failed/),
    });
    // no token in the refusal
    expect(refused.body).not.toContain(jar.cookies.get('butler-refresh-token'));
  });

  it('follows a change of the IdentityProvider without a restart', async () => {
    await custom.patchClusterCustomObject(
      {
        ...IDP,
        name: 'corp',
        body: { spec: { oidc: { clientID: 'portal2' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const location = await eventually(
      'the new client in the redirect',
      async () => {
        const res = await browserRequest(
          `${base}/api/auth/butler/start?env=development`,
        );
        const l = res.location;
        return l && new URL(l).searchParams.get('client_id') === 'portal2'
          ? l
          : undefined;
      },
    );
    expect(new URL(location).origin).toBe(oidc.issuer);
  });

  it('signs a user out while the IdentityProvider is unavailable: the cookie removed, the token revoked', async () => {
    const browser = new Jar();
    await signIn(browser);
    const token = browser.cookies.get('butler-refresh-token')!;
    expect(token).toBeTruthy();
    const renew = () =>
      browserRequest(`${base}/api/auth/butler/refresh?env=development`, {
        headers: {
          cookie: `butler-refresh-token=${token}`,
          'x-requested-with': 'XMLHttpRequest',
        },
      });
    expect((await renew()).status).toBe(200);

    // the IdentityProvider becomes unusable (its Secret is gone) and the user signs out
    await core.deleteNamespacedSecret({
      namespace: 'butler-system',
      name: 'oidc-client',
    });
    await eventually(
      'the missing secret to be reported',
      async () => (await status()).phase === 'Failed' || undefined,
    );
    expect(removesRefreshCookie(await logout(browser.header()))).toBe(true);

    // once it is back, the token signs nobody in again: it was revoked at sign-out
    await core.createNamespacedSecret({
      namespace: 'butler-system',
      body: {
        metadata: { name: 'oidc-client' },
        data: { 'client-secret': Buffer.from('s3cret').toString('base64') },
      },
    });
    await eventually(
      'the IdentityProvider to be Ready again',
      async () => (await status()).phase === 'Ready' || undefined,
    );
    const after = await renew();
    expect([after.status, JSON.parse(after.body).error?.name]).toEqual([
      401,
      'AuthenticationError',
    ]);
  });

  it('reports a broken IdentityProvider (missing secret, unreachable issuer) and answers 503', async () => {
    await core.deleteNamespacedSecret({
      namespace: 'butler-system',
      name: 'oidc-client',
    });
    const broken = await eventually(
      'the missing secret to be reported',
      async () => {
        const s = await status();
        return s.phase === 'Failed' ? s : undefined;
      },
    );
    expect(broken.reason).toBe(
      'IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found',
    );
    const res = await request(backend.server as Server).get(
      '/api/auth/butler/start?env=development',
    );
    expect(res.status).toBe(503);
    // no secret value ever appears in the status
    expect(JSON.stringify(await status())).not.toContain('s3cret');
    // a session is not renewed either: the app is told why
    const renewal = await refresh();
    expect(renewal.status).toBe(503);
    expect(JSON.parse(renewal.body).error.message).toBe(
      "sign-in with the cluster's IdentityProvider is unavailable: IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found",
    );

    await core.createNamespacedSecret({
      namespace: 'butler-system',
      body: {
        metadata: { name: 'oidc-client' },
        data: { 'client-secret': Buffer.from('s3cret').toString('base64') },
      },
    });
    await custom.patchClusterCustomObject(
      {
        ...IDP,
        name: 'corp',
        body: { spec: { oidc: { issuerURL: 'https://127.0.0.1:1' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const unreachable = await eventually(
      'the unreachable issuer to be reported',
      async () => {
        const s = await status();
        return s.phase === 'Failed' && s.issuer === 'https://127.0.0.1:1'
          ? s
          : undefined;
      },
    );
    expect(unreachable.reason).toMatch(
      /^IdentityProvider corp: spec\.oidc\.issuerURL: https:\/\/127\.0\.0\.1:1\/\.well-known\/openid-configuration is unreachable/,
    );
  });
});
