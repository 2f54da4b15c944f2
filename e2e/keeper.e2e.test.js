/*
 * Browser test of Keeper (the registry) on the embedded default: the Registry page lists the
 * seeded Terraform module, Helm chart and OPA policy with facets; version 1.5.0 of the example
 * module is published through the artifact page's form, pinned to the head commit of the seeded
 * `modules` repository; the open change shows on the artifact page, is approved and merged on the
 * Changes page; then the artifact page lists 1.5.0 as merged and the Terraform protocol serves it
 * (versions list, download → signed archive). A registry token created on the tokens page reads
 * the Helm index and the OPA bundle; the same token is refused every write, and once revoked, it
 * is refused reads too.
 */
'use strict';

const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const path = require('path');
const zlib = require('zlib');
const YAML = require('yaml');
const { startPortal } = require('./support/portal');
const { gotoSignedIn, launchBrowser, signInAsGuest } = require('./support/browser');
const { apiRequest, guestToken } = require('./support/api');
const { approveAndMerge } = require('./support/changes');
const { eventually } = require('./support/wait');

let portal;
let browser;

before(async () => {
  portal = await startPortal({ name: 'keeper' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

const MODULE = 'team-a/terraform-aws-vpc';
const VERSION = '1.5.0';
const api = p => `${portal.backendUrl}/api/registry${p}`;
const VERSIONS_PATH = '/terraform/v1/modules/team-a/vpc/aws/versions';

/** The commit the seeded `modules` repository's default branch points at, from git itself. */
function modulesHead(token) {
  const res = spawnSync(
    'git',
    ['-c', `http.extraHeader=Authorization: Bearer ${token}`, 'ls-remote', `${portal.backendUrl}/api/gitops/git/modules.git`, 'HEAD'],
    { encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
  );
  assert.equal(res.status, 0, `git ls-remote failed: ${res.stderr}`);
  const sha = res.stdout.split(/\s/)[0];
  assert.match(sha, /^[0-9a-f]{40}$/);
  return sha;
}

async function terraformVersions(headers = {}) {
  const res = await fetch(api(VERSIONS_PATH), { headers });
  assert.equal(res.status, 200, `${VERSIONS_PATH}: ${res.status} ${await res.clone().text()}`);
  const body = await res.json();
  return body.modules[0].versions.map(v => v.version);
}

/**
 * Signs in as guest; `backstage-cli repo start` restarts the backend when a source file changes
 * (the working tree is shared), and a sign-in that met a restart is tried again.
 */
async function signIn(page) {
  await eventually('the guest sign-in', async () => {
    await signInAsGuest(page, portal.appUrl);
    return true;
  }, 240000);
}

/**
 * Opens `url` and waits for `ready`; a page that met a backend restart shows an error state, so
 * it is loaded again until `ready` holds.
 */
async function openUntil(page, url, what, ready) {
  await eventually(what, async () => {
    await gotoSignedIn(page, portal.appUrl, url, ready);
    return true;
  }, 180000);
}

/** The row of a version in the artifact page's Versions table. */
function versionRow(page, version) {
  return page
    .getByRole('table', { name: 'Versions' })
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: version, exact: true }) });
}

test('publish a module version in the browser: change request, approved and merged, served by the protocols; a registry token reads but never writes', async () => {
  // (the waits are generous: on a loaded machine the backend may also restart when a source
  // file of the shared working tree changes, and the catalog's first ingestion takes a while)
  const token = await eventually('the guest token', () => guestToken(portal.backendUrl), 180000);
  // the guest approves as a code owner of artifact-versions/team-a/ (a member of team-a)
  await eventually(
    'the catalog to make guest a member of group:default/team-a',
    async () => {
      const res = await fetch(`${portal.backendUrl}/api/catalog/entities/by-name/user/default/guest`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const user = res.ok ? await res.json() : undefined;
      return (user?.relations ?? []).some(r => r.type === 'memberOf' && r.targetRef === 'group:default/team-a');
    },
    240000,
  );
  const sha = modulesHead(token);
  // before: the seeded 1.4.0 only
  assert.deepEqual(await terraformVersions(), ['1.4.0']);

  const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
  let registryToken;
  try {
    await signIn(page);
    // the sidebar's Registry entry leads to the list of the three seeded examples
    assert.equal(await page.getByRole('link', { name: 'Registry', exact: true }).first().getAttribute('href'), '/registry');
    const artifacts = page.getByRole('table', { name: 'Artifacts' });
    await openUntil(page, '/registry', 'the Registry page to list the seeded examples', async () => {
      for (const name of [MODULE, 'team-a/web-app', 'team-a/opa-baseline']) {
        await artifacts.getByRole('link', { name, exact: true }).waitFor({ timeout: 30000 });
      }
    });
    for (const type of ['Terraform module', 'Helm chart', 'OPA policy']) {
      await artifacts.getByRole('cell', { name: type, exact: true }).waitFor();
    }
    // the Type facet: Helm charts only, then all again
    await page.getByRole('button', { name: /^Type/ }).click();
    await page.getByRole('option', { name: 'Helm chart', exact: true }).click();
    await page.keyboard.press('Escape');
    await eventually('the Type facet to leave the chart only', async () => (await artifacts.getByRole('link').count()) === 1, 30000);
    assert.equal(await artifacts.getByRole('link').textContent(), 'team-a/web-app');
    await page.getByRole('button', { name: /^Type/ }).click();
    await page.getByRole('option', { name: 'Helm chart', exact: true }).click();
    await page.keyboard.press('Escape');
    await eventually('all three artifacts again', async () => (await artifacts.getByRole('link').count()) === 3, 30000);
    for (const facet of ['Owner', 'Namespace', 'Deprecated']) {
      await page.getByRole('button', { name: new RegExp(`^${facet}`) }).waitFor();
    }

    // the module's page: 1.4.0 merged, no dependencies drawn
    await openUntil(page, `/registry/${MODULE}`, 'the module page', () => versionRow(page, '1.4.0').waitFor({ timeout: 30000 }));
    assert.match(await versionRow(page, '1.4.0').textContent(), /merged/);
    await page.getByText(`${MODULE} depends on no other artifact, and no artifact depends on it.`).waitFor();

    // publish 1.5.0 through the form, pinned to the modules repository's head
    await page.getByRole('button', { name: 'Publish a version' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^Version/ }).fill(VERSION);
    await dialog.getByRole('button', { name: /Portal repository/ }).click();
    await page.getByRole('option', { name: 'modules', exact: true }).click();
    assert.equal(await dialog.getByRole('textbox', { name: /^Git URL/ }).inputValue(), `${portal.backendUrl}/api/gitops/git/modules.git`);
    await dialog.getByRole('textbox', { name: /^Subdirectory/ }).fill('terraform/aws-vpc');
    await dialog.getByRole('textbox', { name: /commit|ref/i }).first().fill(sha);
    await dialog.getByRole('textbox', { name: /^Changelog/ }).fill('- Published by the Keeper browser test.');
    // a submission that met a backend restart says so (role alert); sent again with the form's
    // idempotency key it opens one change, not two
    await eventually('the change request to be opened', async () => {
      if (await dialog.getByText(/is open/).isVisible()) return true;
      await dialog.getByRole('button', { name: 'Open change request' }).click();
      await Promise.race([
        dialog.getByText(/is open/).waitFor({ timeout: 30000 }),
        dialog.getByRole('alert').waitFor({ timeout: 30000 }),
      ]).catch(() => undefined);
      return dialog.getByText(/is open/).isVisible();
    }, 120000);
    const href = await dialog.getByRole('link', { name: /^#\d+$/ }).getAttribute('href');
    assert.match(href, /^\/changes\/platform/);

    // the change adds one file, pinned to the commit
    const id = decodeURIComponent(href.split('/').pop());
    const { body: change } = await apiRequest(portal.backendUrl, token, 'GET', `/api/gitops/changes/${encodeURIComponent(id)}`);
    assert.deepEqual(change.paths, [`artifact-versions/team-a/terraform-aws-vpc-${VERSION}.yaml`]);
    // not served while in review
    assert.deepEqual(await terraformVersions(), ['1.4.0']);

    // the artifact page shows the open change
    await dialog.getByRole('button', { name: 'Close' }).click();
    const opened = versionRow(page, VERSION);
    await opened.waitFor({ timeout: 60000 });
    assert.match(await opened.textContent(), /open change/);
    await opened.getByRole('link', { name: new RegExp(`Publish terraform-aws-vpc ${VERSION.replace(/\./g, '\\.')}`) }).waitFor();

    await approveAndMerge(page, portal.appUrl, href);
    await page.screenshot({ path: path.join(portal.dataDir, 'keeper-merged.png'), fullPage: true });

    // the artifact page lists 1.5.0 as merged (the registry follows the merge event)
    await eventually(
      `${VERSION} to show as merged on the artifact page`,
      async () => {
        await gotoSignedIn(page, portal.appUrl, `/registry/${MODULE}`, () => versionRow(page, '1.4.0').waitFor({ timeout: 30000 }));
        const row = versionRow(page, VERSION);
        return (await row.count()) === 1 && /merged/.test(await row.textContent());
      },
      120000,
    );
    assert.doesNotMatch(await versionRow(page, VERSION).textContent(), /open change/);
    // the page now shows the newest version
    await page.getByRole('heading', { name: `${MODULE} ${VERSION}` }).waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(portal.dataDir, 'keeper-artifact.png'), fullPage: true });

    // a registry token for team-a, created on the tokens page (the secret is shown once)
    await openUntil(page, '/registry/tokens', 'the tokens page', () => page.getByText(/No registry tokens|Your tokens/).first().waitFor({ timeout: 30000 }));
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('e2e-ci');
    await page.getByRole('textbox', { name: /^Namespaces/ }).fill('team-a');
    await page.getByRole('button', { name: 'Create token' }).click();
    registryToken = await page.getByTestId('created-token').textContent({ timeout: 30000 });
    assert.match(registryToken, /^krt_/);
    await page.getByRole('table', { name: 'Registry tokens' }).getByText('e2e-ci').waitFor();
  } catch (e) {
    await page.screenshot({ path: path.join(portal.dataDir, 'failure-keeper.png'), fullPage: true }).catch(() => undefined);
    throw e;
  }

  // the Terraform protocol: 1.5.0 listed (newest first), its download a signed archive of the
  // pinned commit's module, fetched without any token as terraform does
  const bearer = { Authorization: `Bearer ${registryToken}` };
  assert.deepEqual(await terraformVersions(bearer), [VERSION, '1.4.0']);
  const download = await fetch(api(`/terraform/v1/modules/team-a/vpc/aws/${VERSION}/download`), { headers: bearer });
  assert.equal(download.status, 204);
  const location = download.headers.get('x-terraform-get');
  assert.ok(location, 'X-Terraform-Get is set');
  const archive = await fetch(location);
  assert.equal(archive.status, 200);
  const tar = zlib.gunzipSync(Buffer.from(await archive.arrayBuffer())).toString('latin1');
  for (const file of ['main.tf', 'variables.tf', 'outputs.tf']) assert.ok(tar.includes(file), `${file} in the archive`);

  // Helm (token as the Basic password) and OPA (Bearer, ETag and 304) read with the same token
  const basic = { Authorization: `Basic ${Buffer.from(`e2e:${registryToken}`).toString('base64')}` };
  const indexRes = await fetch(api('/helm/team-a/index.yaml'), { headers: basic });
  assert.equal(indexRes.status, 200);
  const index = YAML.parse(await indexRes.text());
  assert.deepEqual(
    index.entries['web-app'].map(e => e.version),
    ['0.1.0'],
  );
  assert.match(index.entries['web-app'][0].digest, /^[0-9a-f]{64}$/);
  const bundle = await fetch(api('/opa/bundles/team-a/opa-baseline'), { headers: bearer });
  assert.equal(bundle.status, 200);
  const etag = bundle.headers.get('etag');
  assert.ok(etag, 'the bundle has an ETag');
  const again = await fetch(api('/opa/bundles/team-a/opa-baseline'), { headers: { ...bearer, 'If-None-Match': etag } });
  assert.equal(again.status, 304);

  // refused writes: a registry token is read-only — it can neither create a token nor open a
  // change (publish 1.6.0); without credentials neither; and nothing was opened
  const tokenWrite = await fetch(api('/tokens'), {
    method: 'POST',
    headers: { ...bearer, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'escalate', namespaces: ['team-a'] }),
  });
  assert.equal(tokenWrite.status, 401, await tokenWrite.text());
  const publish = {
    operation: 'create',
    kind: 'artifactversions',
    namespace: 'team-a',
    name: 'terraform-aws-vpc-1.6.0',
    resource: {
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'ArtifactVersion',
      metadata: { name: 'terraform-aws-vpc-1.6.0', namespace: 'team-a' },
      spec: {
        artifact: 'terraform-aws-vpc',
        version: '1.6.0',
        source: { git: { repository: 'modules', url: `${portal.backendUrl}/api/gitops/git/modules.git`, ref: sha, commit: sha, subdirectory: 'terraform/aws-vpc' } },
      },
    },
    title: 'Publish terraform-aws-vpc 1.6.0',
  };
  for (const headers of [bearer, basic, {}]) {
    const res = await fetch(`${portal.backendUrl}/api/gitops/changes`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(publish),
    });
    assert.equal(res.status, 401, `POST /api/gitops/changes with ${Object.keys(headers).length ? 'a registry token' : 'no credentials'}: ${res.status}`);
  }
  const { body: openChanges } = await apiRequest(portal.backendUrl, token, 'GET', '/api/gitops/changes?state=open');
  assert.deepEqual(
    openChanges.items.filter(c => /1\.6\.0/.test(c.title)),
    [],
    'no change request was opened',
  );
  assert.deepEqual(await terraformVersions(), [VERSION, '1.4.0']);

  // revoked on the tokens page, the token no longer reads (anonymous read stays allowed)
  try {
    await page.getByRole('button', { name: 'Revoke e2e-ci' }).click();
    await page.getByRole('table', { name: 'Registry tokens' }).getByText(/^revoked /).waitFor({ timeout: 30000 });
  } finally {
    await page.close();
  }
  const revoked = await fetch(api(VERSIONS_PATH), { headers: bearer });
  assert.equal(revoked.status, 401);
  assert.match(JSON.stringify(await revoked.json()), /revoked/);
});
