/*
 * Browser test of the Changes page: a change request opened through the API (a new Workspace
 * in team-a) is listed, opened, approved and merged in the browser, on the local provider.
 */
'use strict';

const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { startPortal } = require('./support/portal');
const { launchBrowser, signInAsGuest } = require('./support/browser');
const { apiRequest, guestToken } = require('./support/api');

let portal;
let browser;

before(async () => {
  portal = await startPortal({ name: 'changes' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

const WORKSPACE = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: {
    name: 'e2e-dev',
    namespace: 'team-a',
    annotations: { 'portal.butlerlabs.dev/owner': 'group:default/team-a' },
  },
  spec: {
    owner: 'guest@example.com',
    clusterRef: { name: 'team-a-dev' },
    image: 'golang:1.23-bookworm',
  },
};

/** Waits until the catalog knows the guest as a member of team-a (a code owner of the file). */
async function waitForTeamMembership(token) {
  const deadline = Date.now() + 90000;
  for (;;) {
    const res = await fetch(`${portal.backendUrl}/api/catalog/entities/by-name/user/default/guest`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const user = res.ok ? await res.json() : undefined;
    if ((user?.relations ?? []).some(r => r.type === 'memberOf' && r.targetRef === 'group:default/team-a')) return;
    if (Date.now() > deadline) throw new Error('the catalog never made guest a member of group:default/team-a');
    await new Promise(r => setTimeout(r, 500));
  }
}

test('a change opened through the API is listed, approved and merged in the browser', async () => {
  const token = await guestToken(portal.backendUrl);
  await waitForTeamMembership(token);
  const { body: opened } = await apiRequest(portal.backendUrl, token, 'POST', '/api/gitops/changes', {
    operation: 'create',
    kind: 'Workspace',
    namespace: 'team-a',
    name: 'e2e-dev',
    resource: WORKSPACE,
    title: 'Create workspace team-a/e2e-dev',
    description: 'Opened by the **browser test**.',
  });
  assert.equal(opened.state, 'open');

  const page = await browser.newPage();
  try {
    await signInAsGuest(page, portal.appUrl);
    await page.getByRole('link', { name: 'Changes', exact: true }).first().click();
    const title = page.getByRole('link', { name: 'Create workspace team-a/e2e-dev', exact: true });
    await title.waitFor({ timeout: 60000 });
    await title.click();

    await page.getByRole('heading', { name: 'Create workspace team-a/e2e-dev', exact: true }).waitFor({ timeout: 30000 });
    assert.equal(decodeURIComponent(new URL(page.url()).pathname), `/changes/${opened.id}`);
    // the diff shows the new file's lines
    await page.getByText('name: e2e-dev').first().waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId('change-state').textContent(), 'open');

    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const merge = page.getByRole('button', { name: 'Merge', exact: true });
    await page.waitForFunction(
      () => [...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Merge' && !b.disabled),
      undefined,
      { timeout: 30000 },
    );
    await merge.click();

    await page.waitForFunction(() => document.querySelector('[data-testid="change-state"]')?.textContent === 'merged', undefined, {
      timeout: 30000,
    });
    assert.equal(await page.getByTestId('change-state').textContent(), 'merged');
    await page.screenshot({ path: path.join(portal.dataDir, 'change-merged.png'), fullPage: true });

    // the API agrees, and the Merged tab lists it
    const { body: detail } = await apiRequest(portal.backendUrl, token, 'GET', `/api/gitops/changes/${encodeURIComponent(opened.id)}`);
    assert.equal(detail.state, 'merged');
    await page.goto(`${portal.appUrl}/changes?state=merged`);
    await page.getByRole('link', { name: 'Create workspace team-a/e2e-dev', exact: true }).waitFor({ timeout: 30000 });
  } catch (e) {
    await page.screenshot({ path: path.join(portal.dataDir, 'failure.png'), fullPage: true });
    throw e;
  } finally {
    await page.close();
  }
});
