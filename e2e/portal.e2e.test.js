/*
 * Browser test of the portal foundation: a new user opens the portal, signs in as guest and
 * sees the catalog render. Later features add their own pages to this suite.
 */
'use strict';

const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { startPortal } = require('./support/portal');
const { launchBrowser, signInAsGuest } = require('./support/browser');

let portal;
let browser;

before(async () => {
  portal = await startPortal({ name: 'foundation' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

test('guest signs in and the catalog renders with the org entities', async () => {
  const page = await browser.newPage();
  try {
    await signInAsGuest(page, portal.appUrl);
    await page.goto(`${portal.appUrl}/catalog?filters[kind]=user&filters[user]=all`);
    // The catalog table lists the guest user (by display name) from examples/org.yaml once ingested.
    const row = page.getByRole('link', { name: 'Guest', exact: true });
    await row.first().waitFor({ timeout: 90000 });
    assert.ok(await row.first().isVisible(), 'the guest user entity is listed in the catalog');
    assert.match(await page.title(), /Butler Portal/);
  } catch (e) {
    await page.screenshot({ path: path.join(portal.dataDir, 'failure.png'), fullPage: true });
    throw e;
  } finally {
    await page.close();
  }
});
