// A local OpenID Provider for tests (the oidc-provider package, in its own process because it
// is an ES module). Argument: JSON { clients: [{ client_id, client_secret, redirect_uris }],
// accounts: { "<login>": { email, groups } } }. Prints {"issuer": "..."} once listening.
// Its dev interactions sign in any account named in `accounts` with any password. With
// `tls: { key, cert }` (PEM) it serves https, as the IdentityProvider CRD requires.
// Refresh tokens as Keycloak or Okta issue them: to a client allowed the refresh_token grant that
// asks for offline_access, without the client having to send prompt=consent (oidc-provider drops
// offline_access otherwise, OIDC Core §11; its consent page is shown on first sign-in anyway).
// They can be revoked at /token/revocation (client credentials), as an administrator would.
import Provider from 'oidc-provider';
import http from 'node:http';
import https from 'node:https';

const options = JSON.parse(process.argv[2]);
const server = options.tls
  ? https.createServer(options.tls)
  : http.createServer();
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const issuer = `${options.tls ? 'https' : 'http'}://127.0.0.1:${
  server.address().port
}`;
const provider = new Provider(issuer, {
  clients: options.clients.map(c => ({
    ...c,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  claims: {
    openid: ['sub'],
    email: ['email'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
  findAccount: async (_ctx, id) => {
    const account = options.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      claims: async () => ({
        sub: id,
        name: id,
        email: account.email,
        groups: account.groups,
      }),
    };
  },
  pkce: { required: () => false },
  issueRefreshToken: async (_ctx, client, code) =>
    client.grantTypeAllowed('refresh_token') &&
    code.scopes.has('offline_access'),
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
  },
  cookies: { keys: ['test-only-cookie-key'] },
});
provider.proxy = false;
provider.use(async (ctx, next) => {
  // an authorization request asking offline_access counts as asking consent (see above)
  if (ctx.path === '/auth' && ctx.method === 'GET') {
    const params = new URLSearchParams(ctx.querystring);
    if (
      (params.get('scope') ?? '').split(' ').includes('offline_access') &&
      !params.get('prompt')
    ) {
      params.set('prompt', 'consent');
      ctx.querystring = params.toString();
    }
  }
  await next();
});
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
