/*
 * Browser acceptance of identity and the terminal (issue 16): the test API server holds an
 * IdentityProvider pointing at a locally run OpenID Provider (the `oidc-provider` package, https),
 * Teams, Users, a TenantCluster with its kubeconfig Secret and the Workspace team-a/alice-dev
 * (the one the embedded repository holds), with its pod; the portal is configured with nothing
 * but that cluster and `auth.providers.butler`. Then, each in their own browser:
 *   - alice (owner, team-a admin) signs in through the provider's login form, opens her
 *     workspace's terminal and runs `echo hello` to see `hello`;
 *   - alice's session survives a page reload (renewed with the provider's refresh token) and,
 *     once the provider revokes that token, the next load says the session ended;
 *   - vera (team-a viewer) opens it read-only: what she types never reaches the process;
 *   - bob (team-b admin) is not shown team-a's workspace and is refused its terminal, start/stop
 *     and the kubeconfig.
 * On the tenant cluster's page (the same test server is the tenant cluster, through the
 * TenantCluster's kubeconfig Secret): alice picks the pod apps/web-0 and runs `echo hello` in it;
 * vera's session there is read-only; bob is offered no terminal and the pod list answers him
 * 404, as for a cluster that does not exist.
 */
'use strict';

// the test API server and the Butler test objects are TypeScript packages of this repository
require('@backstage/cli-node/config/nodeTransform.cjs');

const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startKubeTestApiServer, loadButlerCrds } = require('@butler-portal/kube-test-apiserver');
const { INVENTORY_CRDS, butlerClient, team, tenantCluster, user } = require('@butler-portal/plugin-butler-node/testUtils');
const { CoreV1Api, CustomObjectsApi } = require('@kubernetes/client-node');
const { startPortal } = require('./support/portal');
const { launchBrowser } = require('./support/browser');
const { guestToken } = require('./support/api');
const { eventually } = require('./support/wait');

const ROOT = path.resolve(__dirname, '..');
const OIDC_SERVER = path.join(ROOT, 'plugins/auth-backend-module-butler-oidc/testServer/oidcServer.mjs');
const WORKSPACE = 'team-a/alice-dev';
const POD = 'alice-dev-pod';
/** a pod of the tenant cluster, for its page's terminal */
const APP_POD = { namespace: 'apps', name: 'web-0' };

let kube;
let portal;
let oidc;
let browser;
let tmp;
/** Backstage tokens of the users who signed in, for the REST checks */
const tokens = {};

/** A self-signed certificate for 127.0.0.1: the IdentityProvider CRD wants an https issuer. */
function selfSignedCertificate(dir) {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
    { stdio: 'ignore' },
  );
  return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'), certFile: path.join(dir, 'cert.pem') };
}

/** The OpenID Provider in its own process (an ES module); resolves with its issuer URL. */
function startOidcServer(options) {
  const child = spawn(process.execPath, [OIDC_SERVER, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      if (out.includes('\n')) {
        resolve({
          issuer: JSON.parse(out.split('\n')[0]).issuer,
          stop: () =>
            new Promise(r => {
              child.once('exit', r);
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('exit', code => reject(new Error(`the OpenID Provider exited (${code})`)));
  });
}

async function seedManagementCluster() {
  const client = butlerClient(kube.kubeconfig);
  const core = kube.kubeconfig.makeApiClient(CoreV1Api);
  const cluster = tenantCluster('team-a', 'team-a-dev', { team: 'team-a' });
  cluster.status.kubeconfigSecretRef = { name: 'team-a-dev-kubeconfig' };
  for (const object of [
    team('team-a', {
      namespace: 'team-a',
      members: [
        { email: 'alice@example.com', role: 'admin' },
        { email: 'vera@example.com', role: 'viewer' },
      ],
    }),
    team('team-b', { namespace: 'team-b', members: [{ email: 'bob@example.com', role: 'admin' }] }),
    user('alice', 'alice@example.com'),
    user('vera', 'vera@example.com'),
    user('bob', 'bob@example.com'),
    cluster,
    {
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: { name: 'alice-dev', namespace: 'team-a' },
      spec: { owner: 'alice@example.com', clusterRef: { name: 'team-a-dev' }, image: 'golang:1.23-bookworm' },
      status: { phase: 'Running', podName: POD },
    },
  ]) {
    await client.create(object);
  }
  // the tenant cluster is this same server: its kubeconfig where Cluster API keeps it
  await core.createNamespacedSecret({
    namespace: cluster.status.tenantNamespace,
    body: { metadata: { name: 'team-a-dev-kubeconfig' }, data: { value: Buffer.from(kube.kubeconfigYaml).toString('base64') } },
  });
  await core.createNamespacedPod({
    namespace: 'workspaces',
    body: { metadata: { name: POD }, spec: { containers: [{ name: 'workspace', image: 'golang:1.23-bookworm' }] } },
  });
  await core.createNamespacedPod({
    namespace: APP_POD.namespace,
    body: {
      metadata: { name: APP_POD.name, annotations: { 'kubectl.kubernetes.io/default-container': 'app' } },
      spec: { containers: [{ name: 'app', image: 'example/app:1' }, { name: 'sidecar', image: 'example/sidecar:1' }] },
    },
  });
}

async function createIdentityProvider() {
  const core = kube.kubeconfig.makeApiClient(CoreV1Api);
  await core.createNamespacedSecret({
    namespace: 'butler-system',
    body: { metadata: { name: 'portal-oidc' }, data: { 'client-secret': Buffer.from('e2e-client-secret').toString('base64') } },
  });
  await kube.kubeconfig.makeApiClient(CustomObjectsApi).createClusterCustomObject({
    group: 'butler.butlerlabs.dev',
    version: 'v1alpha1',
    plural: 'identityproviders',
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
          clientSecretRef: { name: 'portal-oidc', namespace: 'butler-system' },
          redirectURL: `${portal.backendUrl}/api/auth/butler/handler/frame`,
          scopes: ['openid', 'email', 'profile', 'groups'],
        },
      },
    },
  });
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-e2e-'));
  kube = await startKubeTestApiServer({
    crds: loadButlerCrds([...INVENTORY_CRDS, 'workspaces.butler.butlerlabs.dev', 'identityproviders.butler.butlerlabs.dev']),
    namespaces: ['default', 'team-a', 'team-b', 'team-a-team-a-dev', 'workspaces', 'butler-system', APP_POD.namespace],
  });
  await seedManagementCluster();
  const kubeconfigPath = path.join(tmp, 'kubeconfig.yaml');
  fs.writeFileSync(kubeconfigPath, kube.kubeconfigYaml);
  const tls = selfSignedCertificate(tmp);
  // the backend trusts the provider's certificate as it would a private CA's
  process.env.NODE_EXTRA_CA_CERTS = tls.certFile;
  portal = await startPortal({
    name: 'identity',
    // the dev server restarts whenever someone edits a watched file: give it time
    timeoutMs: 420000,
    extraConfig: `auth:
  session:
    secret: e2e-only-session-secret
  providers:
    butler:
      refreshIntervalSeconds: 1
butler:
  managementCluster:
    kubeconfigPath: ${kubeconfigPath}
`,
  });
  oidc = await startOidcServer({
    clients: [{ client_id: 'portal', client_secret: 'e2e-client-secret', redirect_uris: [`${portal.backendUrl}/api/auth/butler/handler/frame`] }],
    accounts: {
      alice: { email: 'alice@example.com', groups: [] },
      vera: { email: 'vera@example.com', groups: [] },
      bob: { email: 'bob@example.com', groups: [] },
    },
    tls: { key: tls.key, cert: tls.cert },
  });
  await createIdentityProvider();
  browser = await launchBrowser();
  const status = await eventually('the IdentityProvider to be Ready', async () => {
    const body = await (await fetch(`${portal.backendUrl}/api/auth/identity-provider/status`)).json();
    return body.phase === 'Ready' ? body : undefined;
  });
  assert.equal(status.issuer, oidc.issuer);
  // the sign-in resolver finds the catalog User of the email: the Butler Users are ingested first
  const token = await guestToken(portal.backendUrl);
  for (const name of ['alice', 'vera', 'bob']) {
    await eventually(`the catalog to hold user:default/${name}`, async () => {
      const res = await fetch(`${portal.backendUrl}/api/catalog/entities/by-name/user/default/${name}`, { headers: { Authorization: `Bearer ${token}` } });
      return res.ok;
    });
  }
});

after(async () => {
  await browser?.close();
  await portal?.stop();
  await oidc?.stop();
  await kube?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * Signs in through the IdentityProvider in a fresh browser: the sign-in page's entry opens the
 * provider's login form in a popup, which is filled and submitted, then the consent.
 * Returns the page and the Backstage token the app then sends (read off its requests).
 */
async function signIn(login) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  // the dev server reloads the page whenever a file of the (shared) working tree changes, and
  // the signed-in session lives in the page: its live-reload socket is answered here, silently
  const appOrigin = new URL(portal.appUrl).origin;
  await context.routeWebSocket(url => url.origin === appOrigin && url.pathname === '/ws', () => {});
  const page = await context.newPage();
  let token;
  page.on('request', req => {
    const auth = req.headers().authorization;
    if (auth && req.url().startsWith(portal.backendUrl)) token = auth.replace(/^Bearer /, '');
  });
  if (process.env.E2E_DEBUG) {
    page.on('console', m => process.stderr.write(`[console] ${m.text()}\n`));
    page.on('response', r => r.url().includes('identity-provider') && process.stderr.write(`[response] ${r.url()} ${r.status()}\n`));
  }
  // the dev server may be compiling (it rebuilds when anyone edits the shared tree)
  await page.goto(portal.appUrl, { timeout: 180000 });
  const card = page.getByText('Sign in with corp');
  await card.waitFor({ timeout: 60000 }).catch(async e => {
    await failureScreenshot(page, `sign-in-${login}`);
    throw e;
  });
  // the guest entry is still offered: other sign-in methods keep working
  await page.getByRole('button', { name: 'Enter' }).waitFor();
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Sign In', exact: true }).click(),
  ]);
  await popup.locator('input[name="login"]').fill(login, { timeout: 60000 });
  await popup.locator('input[name="password"]').fill('any');
  await popup.locator('button[type="submit"]').click();
  // the provider's consent page, then back to the portal, which closes the popup
  const consent = popup.getByRole('button', { name: /continue/i });
  await Promise.race([consent.click({ timeout: 60000 }).catch(() => undefined), popup.waitForEvent('close', { timeout: 60000 })]);
  await page.getByRole('link', { name: 'Workspaces', exact: true }).first().waitFor({ timeout: 60000 });
  await eventually('the app to send the signed-in token', async () => token, 30000);
  tokens[login] = token;
  return { page, context, token: () => token };
}

/** Goes to a page of the app without reloading it: the signed-in session lives in the page. */
async function navigate(page, pathname) {
  await page.evaluate(p => {
    window.history.pushState({}, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, pathname);
}

async function openWorkspaceTerminal(page) {
  await navigate(page, `/workspaces/${WORKSPACE}`);
  const open = page.getByRole('button', { name: 'Open terminal' });
  await page.waitForFunction(() => [...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Open terminal' && !b.disabled), undefined, {
    timeout: 60000,
  });
  await open.click();
}

const terminalText = page => page.locator('.xterm-rows').textContent();

/** On the tenant cluster's page: picks the app pod in the Terminal card and opens the terminal. */
async function openClusterTerminal(page) {
  await navigate(page, '/butler/team-a/team-a-dev');
  const picker = page.getByLabel('Pod', { exact: true });
  await picker.waitFor({ timeout: 90000 });
  await picker.selectOption(`${APP_POD.namespace}/${APP_POD.name}`);
  // two containers: the pod's annotated default is the one picked
  assert.equal(await page.getByLabel('Container', { exact: true }).inputValue(), 'app');
  await page.getByRole('button', { name: 'Open terminal' }).click();
}

async function failureScreenshot(page, name) {
  await page.screenshot({ path: path.join(portal.dataDir, `failure-${name}.png`), fullPage: true }).catch(() => undefined);
}

test('the owner signs in through the IdentityProvider and runs echo hello in her workspace terminal', async () => {
  const { page, context, token } = await signIn('alice');
  try {
    const identity = JSON.parse(Buffer.from(token().split('.')[1], 'base64url').toString('utf8'));
    assert.equal(identity.sub, 'user:default/alice');

    const before = kube.execProcesses().length;
    await openWorkspaceTerminal(page);
    const session = await eventually('the exec into the workspace pod', async () => kube.execProcesses().slice(before).find(p => p.pod === POD));
    assert.equal(session.namespace, 'workspaces');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo hello');
    await page.keyboard.press('Enter');
    await eventually('hello in the terminal', async () => /hello/.test(await terminalText(page)), 30000);
    assert.match(session.stdin(), /^echo hello\r?\n?/);
    assert.doesNotMatch(await page.textContent('body'), /Read-only/);

    // a team admin is offered the kubeconfig of the team's cluster
    await navigate(page, '/butler/team-a/team-a-dev');
    await page.getByRole('button', { name: 'Download kubeconfig' }).waitFor({ timeout: 90000 });

    // and a terminal into a pod of that cluster, read-write
    const beforeApp = kube.execProcesses().length;
    await openClusterTerminal(page);
    const appSession = await eventually('the exec into the app pod', async () =>
      kube.execProcesses().slice(beforeApp).find(p => p.pod === APP_POD.name),
    );
    assert.equal(appSession.namespace, APP_POD.namespace);
    assert.equal(appSession.container, 'app');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo hello');
    await page.keyboard.press('Enter');
    await eventually('hello in the cluster terminal', async () => /hello/.test(await terminalText(page)), 30000);
    assert.match(appSession.stdin(), /^echo hello\r?\n?/);
    assert.doesNotMatch(await page.textContent('body'), /Read-only/);
  } catch (e) {
    await failureScreenshot(page, 'identity-owner');
    throw e;
  } finally {
    await context.close();
  }
});

test('a reload keeps the signed-in session (the provider\'s refresh token), and a revoked one ends with a message', async () => {
  const { page, context } = await signIn('alice');
  const refreshUrl = `${portal.backendUrl}/api/auth/butler/refresh`;
  try {
    // a page load renews the session with the refresh token in the backend's httpOnly cookie
    const renewal = page.waitForResponse(r => r.url().startsWith(refreshUrl), { timeout: 180000 });
    await page.reload({ timeout: 180000 });
    const renewed = await renewal;
    assert.equal(renewed.status(), 200);
    const identity = JSON.parse(Buffer.from((await renewed.json()).backstageIdentity.token.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(identity.sub, 'user:default/alice');
    await page.getByRole('link', { name: 'Workspaces', exact: true }).first().waitFor({ timeout: 60000 });
    assert.equal(await page.getByText('Sign in with corp').count(), 0);
    const [cookie] = (await context.cookies(refreshUrl)).filter(c => c.name === 'butler-refresh-token');
    assert.equal(cookie?.httpOnly, true);
    assert.equal(await page.evaluate(() => document.cookie.includes('butler-refresh-token')), false);

    // the provider revokes it (as an administrator would): the next load says the session ended
    const revoked = await context.request.post(`${oidc.issuer}/token/revocation`, {
      headers: { authorization: `Basic ${Buffer.from('portal:e2e-client-secret').toString('base64')}` },
      form: { token: cookie.value, token_type_hint: 'refresh_token' },
    });
    assert.equal(revoked.status(), 200);
    await page.reload({ timeout: 180000 });
    await page.getByRole('alert').filter({ hasText: 'Your session with corp has ended' }).waitFor({ timeout: 60000 });
    await page.getByText('Sign in with corp').waitFor();
  } catch (e) {
    await failureScreenshot(page, 'identity-reload');
    throw e;
  } finally {
    await context.close();
  }
});

test("a viewer of the team sees the workspace's terminal read-only: her keystrokes never reach the process", async () => {
  const { page, context } = await signIn('vera');
  try {
    const before = kube.execProcesses().length;
    await openWorkspaceTerminal(page);
    await page.getByText(/Read-only: you can watch this session/).waitFor({ timeout: 60000 });
    const session = await eventually('the exec into the workspace pod', async () => kube.execProcesses().slice(before).find(p => p.pod === POD));
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo pwned > pwned.txt');
    await page.keyboard.press('Enter');
    await new Promise(r => setTimeout(r, 1000));
    assert.equal(session.stdin(), '');
    assert.equal(fs.existsSync(path.join(kube.execSandboxRoot, 'workspaces', POD, 'pwned.txt')), false);
    assert.doesNotMatch(await terminalText(page), /pwned/);

    // the cluster's pods: she is told before opening, and her keystrokes are dropped there too
    const beforeApp = kube.execProcesses().length;
    await openClusterTerminal(page);
    await page.getByRole('status').filter({ hasText: "Read-only: your role in the cluster's team is viewer" }).waitFor({ timeout: 60000 });
    await page.getByText(/Read-only: you can watch this session/).waitFor({ timeout: 60000 });
    const appSession = await eventually('the exec into the app pod', async () =>
      kube.execProcesses().slice(beforeApp).find(p => p.pod === APP_POD.name),
    );
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo pwned > pwned.txt');
    await page.keyboard.press('Enter');
    await new Promise(r => setTimeout(r, 1000));
    assert.equal(appSession.stdin(), '');
    assert.equal(fs.existsSync(path.join(kube.execSandboxRoot, APP_POD.namespace, APP_POD.name, 'pwned.txt')), false);
  } catch (e) {
    await failureScreenshot(page, 'identity-viewer');
    throw e;
  } finally {
    await context.close();
  }
});

test('a member of another team is refused the terminal, start/stop and the kubeconfig', async t => {
  const { page, context, token } = await signIn('bob');
  try {
    const before = kube.execProcesses().length;
    // team-a's workspace file is not his to read (gitops.resource.read by owning team): the page
    // shows no such workspace, so neither a terminal nor start/stop is offered
    await navigate(page, `/workspaces/${WORKSPACE}`);
    await page.getByText(/No Workspace team-a\/alice-dev is on the default branch/).waitFor({ timeout: 60000 });
    assert.equal(await page.getByRole('button', { name: 'Open terminal' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Start', exact: true }).count(), 0);
    assert.equal(kube.execProcesses().length, before, 'no exec was started');

    // start and stop: the backend refuses
    for (const op of ['start', 'stop']) {
      const res = await fetch(`${portal.backendUrl}/api/butler/workspaces/${WORKSPACE}/${op}`, { method: 'POST', headers: { Authorization: `Bearer ${token()}` } });
      assert.ok([403, 404].includes(res.status), `${op}: ${res.status}`);
    }

    // the terminal's REST door is shut too: a workspace he may not read is "not found" there, as
    // in butler-backend (a 403 would confirm that it exists)
    const ticket = await fetch(`${portal.backendUrl}/api/terminal/tickets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'team-a', name: 'alice-dev' }),
    });
    assert.equal(ticket.status, 404);
    assert.equal((await ticket.json()).error.message, 'workspace team-a/alice-dev not found');

    // the cluster page offers bob no kubeconfig of team-a's cluster
    await navigate(page, '/butler/team-a/team-a-dev');
    await page.getByRole('heading', { name: 'team-a/team-a-dev', exact: true }).waitFor({ timeout: 90000 });
    await page.getByRole('button', { name: 'Scale workers' }).waitFor({ timeout: 90000 });
    await new Promise(r => setTimeout(r, 3000)); // the permission answer has had its time
    assert.equal(await page.getByRole('button', { name: 'Download kubeconfig' }).count(), 0);
    // nor a terminal into its pods; the pod list answers as for an unknown cluster
    assert.equal(await page.getByLabel('Pod', { exact: true }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Open terminal' }).count(), 0);
    const pods = await fetch(`${portal.backendUrl}/api/terminal/clusters/team-a/team-a-dev/pods`, { headers: { Authorization: `Bearer ${token()}` } });
    assert.equal(pods.status, 404);
    assert.equal((await pods.json()).error.message, 'tenant cluster team-a/team-a-dev not found');

    // the kubeconfig of team-a's cluster (butler-backend's route): bob is refused, while a team
    // admin gets it; where the route does not exist (404 for alice too), that is said, not hidden
    const kubeconfig = as => fetch(`${portal.backendUrl}/api/butler/clusters/team-a/team-a-dev/kubeconfig`, { headers: { Authorization: `Bearer ${as}` } });
    const forAlice = await kubeconfig(tokens.alice);
    if (forAlice.status === 404) {
      t.diagnostic(`no kubeconfig route in this portal (alice: 404 ${await forAlice.text()}); bob's refusal not checked`);
    } else {
      assert.equal(forAlice.status, 200, await forAlice.text());
      // a cluster he may not even read (butler.cluster.read by team): 404, as for its other routes
      const forBob = await kubeconfig(token());
      assert.equal(forBob.status, 404, await forBob.text());
    }
  } catch (e) {
    await failureScreenshot(page, 'identity-other-team');
    throw e;
  } finally {
    await context.close();
  }
});
