/*
 * Approving and merging a change request on the Changes page, as a reviewer does, for browser
 * tests whose change was opened by a form.
 */
'use strict';

const { gotoSignedIn } = require('./browser');
const { eventually } = require('./wait');

/**
 * Opens the change at `href` (`/changes/<id>`), approves it and merges it; resolves once the page
 * says `merged`. `backstage-cli repo start` restarts the backend when a source file changes; a
 * merge that met a restart ("Failed to fetch") is tried again on a reloaded page.
 */
async function approveAndMerge(page, appUrl, href) {
  await gotoSignedIn(page, appUrl, href, () => page.getByTestId('change-state').waitFor({ timeout: 30000 }));
  await eventually('the change to show as open', async () => (await page.getByTestId('change-state').textContent()) === 'open', 60000);
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page.waitForFunction(
    () => [...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Merge' && !b.disabled),
    undefined,
    { timeout: 60000 },
  );
  await eventually(
    'the change to be merged',
    async () => {
      const state = await page.getByTestId('change-state').textContent();
      if (state === 'merged') return true;
      const merge = page.getByRole('button', { name: 'Merge', exact: true });
      if (await merge.isEnabled().catch(() => false)) {
        await merge.click();
        await page
          .waitForFunction(() => document.querySelector('[data-testid="change-state"]')?.textContent === 'merged', undefined, { timeout: 15000 })
          .catch(() => undefined);
      }
      if ((await page.getByTestId('change-state').textContent()) === 'merged') return true;
      await gotoSignedIn(page, appUrl, href, () => page.getByTestId('change-state').waitFor({ timeout: 30000 }));
      return false;
    },
    120000,
  );
}

module.exports = { approveAndMerge };
