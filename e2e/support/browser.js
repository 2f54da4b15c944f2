/*
 * Debian's chromium driven by playwright-core: Playwright's own browser download cannot work
 * offline, and these flags keep chromium from reaching for the (closed) network.
 */
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);

function chromiumPath() {
  const found = CANDIDATES.find(p => fs.existsSync(p));
  if (!found) {
    throw new Error(`no chromium found (looked at ${CANDIDATES.join(', ')}); install Debian's "chromium" package or set CHROMIUM_PATH`);
  }
  return found;
}

async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the app and signs in as guest, the embedded default's identity. */
async function signInAsGuest(page, appUrl) {
  await page.goto(appUrl);
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor({ timeout: 60000 });
  await enter.click();
  // the sidebar's Catalog entry shows once the signed-in app shell has rendered
  await page.getByRole('link', { name: 'Catalog', exact: true }).first().waitFor({ timeout: 60000 });
}

/**
 * Opens `url` (app-relative) and resolves once `ready()` holds. A full page load that met a
 * backend restart (`backstage-cli repo start` restarts it when a source file changes) can lose
 * the guest session and land on the sign-in page: then the guest signs in again and it retries.
 */
async function gotoSignedIn(page, appUrl, url, ready, timeoutMs = 30000) {
  const deadline = Date.now() + 3 * timeoutMs;
  for (;;) {
    await page.goto(`${appUrl}${url}`);
    const enter = page.getByRole('button', { name: 'Enter' });
    const outcome = await Promise.race([
      ready().then(() => 'ready'),
      enter.waitFor({ timeout: timeoutMs }).then(() => 'signed out'),
    ]).catch(e => e);
    if (outcome === 'ready') return;
    if (Date.now() > deadline) throw outcome instanceof Error ? outcome : new Error(`${url} did not get ready`);
    if (outcome === 'signed out') {
      await enter.click();
      await page.getByRole('link', { name: 'Catalog', exact: true }).first().waitFor({ timeout: 60000 });
    }
  }
}

module.exports = { launchBrowser, signInAsGuest, gotoSignedIn };
