/*
 * Browser test of Clusters (plugins/butler) on the embedded default, which has no management
 * cluster: the pages say so, the dashboard lists the TenantCluster file of the repository, and
 * scaling its workers from the cluster page is a change request editing one line; approved and
 * merged on the Changes page, the directory target then holds the new replica count, valid
 * under the Butler CRD's schema, and no other manifest changed.
 */
'use strict';

const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { startPortal } = require('./support/portal');
const { launchBrowser, signInAsGuest } = require('./support/browser');
const { apiRequest, guestToken } = require('./support/api');
const { validateManifest } = require('./support/manifest');
const { eventually } = require('./support/wait');

const REF = 'team-a/team-a-dev';
/** where the layout puts the cluster, in Git and in the directory target */
const FILE = 'tenant-clusters/team-a/team-a-dev.yaml';
const TITLE = 'Scale team-a/team-a-dev to 5 workers';

let portal;
let browser;
let manifestsDir;

before(async () => {
  portal = await startPortal({ name: 'butler' });
  manifestsDir = path.join(portal.dataDir, 'manifests', 'platform');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

function readManifests() {
  const files = new Map();
  const walk = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(manifestsDir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  if (fs.existsSync(manifestsDir)) walk(manifestsDir);
  return files;
}

async function directorySync(token) {
  const { body } = await apiRequest(portal.backendUrl, token, 'GET', '/api/gitops/sync');
  return body.items.find(i => i.repository === 'platform' && i.target === 'directory');
}

test('scale a cluster in the browser: one-line change request, approved and merged, new replica count in the target', async () => {
  const token = await guestToken(portal.backendUrl);
  // the guest approves as a code owner of tenant-clusters/team-a/ (a member of team-a)
  await eventually('the catalog to make guest a member of group:default/team-a', async () => {
    const res = await fetch(`${portal.backendUrl}/api/catalog/entities/by-name/user/default/guest`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const user = res.ok ? await res.json() : undefined;
    return (user?.relations ?? []).some(r => r.type === 'memberOf' && r.targetRef === 'group:default/team-a');
  });
  await eventually('the first sync to the directory target', async () => {
    const sync = await directorySync(token);
    return sync?.condition === 'Ready' && readManifests().has(FILE);
  });
  const before = readManifests();
  assert.equal(YAML.parse(before.get(FILE)).spec.workers.replicas, 3);

  const page = await browser.newPage();
  try {
    await signInAsGuest(page, portal.appUrl);
    await page.getByRole('link', { name: 'Clusters', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Clusters', exact: true }).waitFor({ timeout: 60000 });
    // the embedded default has no management cluster: said, with how to connect one
    await page.getByText(/No management cluster is connected/).first().waitFor({ timeout: 60000 });
    assert.match(await page.textContent('body'), /butler\.managementCluster/);

    await page.getByRole('link', { name: REF, exact: true }).click();
    await page.getByRole('heading', { name: REF, exact: true }).waitFor({ timeout: 60000 });
    await page.getByText(`platform: ${FILE}`, { exact: false }).waitFor({ timeout: 60000 });
    await page.getByRole('button', { name: 'Scale workers' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('spinbutton', { name: 'Workers' }).fill('5');
    await dialog.getByRole('button', { name: 'Open change request' }).click();
    await dialog.getByText(/is open for review/).waitFor({ timeout: 60000 });
    const href = await dialog.getByRole('link', { name: /^#\d+$/ }).getAttribute('href');
    assert.match(href, /^\/changes\/platform/);

    // the change edits one line of the file
    const id = decodeURIComponent(href.split('/').pop());
    const { body: change } = await apiRequest(portal.backendUrl, token, 'GET', `/api/gitops/changes/${encodeURIComponent(id)}`);
    assert.deepEqual(change.paths, [FILE]);

    await page.goto(`${portal.appUrl}${href}`);
    await page.getByRole('heading', { name: TITLE, exact: true }).waitFor({ timeout: 60000 });
    await eventually('the change to show as open', async () => (await page.getByTestId('change-state').textContent()) === 'open', 30000);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.waitForFunction(
      () => [...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Merge' && !b.disabled),
      undefined,
      { timeout: 60000 },
    );
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="change-state"]')?.textContent === 'merged', undefined, {
      timeout: 60000,
    });
  } catch (e) {
    await page.screenshot({ path: path.join(portal.dataDir, 'failure-butler-scale.png'), fullPage: true }).catch(() => undefined);
    throw e;
  } finally {
    await page.close();
  }

  const text = await eventually('the directory target to hold 5 workers', async () => {
    const file = readManifests().get(FILE);
    return file && YAML.parse(file).spec.workers.replicas === 5 ? file : undefined;
  });
  const manifest = YAML.parse(text);
  assert.equal(manifest.spec.kubernetesVersion, 'v1.31.4');
  assert.deepEqual(validateManifest(text, FILE).issues, []);
  const others = new Map(readManifests());
  others.delete(FILE);
  const beforeOthers = new Map(before);
  beforeOthers.delete(FILE);
  assert.deepEqual(others, beforeOthers, 'no other manifest changed');
});
