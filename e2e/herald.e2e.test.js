/*
 * Browser test of Herald on the embedded default: build a pipeline in the visual builder
 * (drag a source, a remap and a sink from the palette, connect them, fill the required
 * options), see the type error on the wrong edge before saving, fix it, Save → change request
 * → approve and merge on the Changes page → the vector-directory target holds the rendered file
 * and the pipeline's page says Synced; then edit one option in the YAML editor, see the builder
 * follow, and save it as a one-line change.
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
const { eventually } = require('./support/wait');
const { approveAndMerge } = require('./support/changes');

let portal;
let browser;

before(async () => {
  portal = await startPortal({ name: 'herald' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

const NAME = 'e2e-logs';
const REF = `team-a/${NAME}`;
/** where the embedded default's vector-directory target writes the platform repository's pipelines */
const vectorDir = () => path.join(portal.dataDir, 'vector', 'platform');
const vectorFiles = () => (fs.existsSync(vectorDir()) ? fs.readdirSync(vectorDir()).filter(f => f.endsWith('.yaml')).sort() : []);

async function waitForTeamMembership(token) {
  await eventually('the catalog to make guest a member of group:default/team-a', async () => {
    const res = await fetch(`${portal.backendUrl}/api/catalog/entities/by-name/user/default/guest`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const user = res.ok ? await res.json() : undefined;
    return (user?.relations ?? []).some(r => r.type === 'memberOf' && r.targetRef === 'group:default/team-a');
  });
}

/** Drags a palette entry (found through the palette's search) onto the canvas at x, y. */
async function dropComponent(page, kind, type, x, y) {
  await page.getByLabel('Search components').fill(type);
  const entry = page.getByTestId(`palette-${kind}-${type}`);
  await entry.waitFor();
  await entry.dragTo(page.getByTestId('pipeline-canvas'), { targetPosition: { x, y } });
  // the dropped component is selected: its options form opens
  const id = type;
  await page.getByTestId(`node-${id}`).waitFor();
  await page.getByRole('region', { name: `Component ${id}` }).waitFor();
  return page.getByRole('region', { name: `Component ${id}` });
}

/** Draws an edge from an output handle to an input handle with the mouse. */
async function connect(page, fromHandle, toHandle) {
  const from = await page.getByTestId(fromHandle).boundingBox();
  const to = await page.getByTestId(toHandle).boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Saves from the editor and returns the change link's href. */
async function save(page) {
  const button = page.getByRole('button', { name: 'Save', exact: true });
  await page.waitForFunction(
    () => [...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Save' && !b.disabled),
    undefined,
    { timeout: 30000 },
  );
  await button.click();
  const notice = page.getByRole('status', { name: 'Change request opened' });
  await notice.waitFor({ timeout: 60000 });
  const href = await notice.getByRole('link', { name: /^#\d+$/ }).getAttribute('href');
  assert.match(href, /^\/changes\/platform/);
  await notice.getByTestId('change-validation').waitFor({ timeout: 30000 });
  assert.equal(await notice.getByTestId('change-validation').textContent(), 'Validation: passed');
  // innerText: one line per diff line (the lines are blocks)
  return { href, diff: await notice.getByTestId('change-diff').innerText() };
}

test('build a pipeline visually, catch the type error, save, merge, delivered to Vector; then a one-option YAML edit', async () => {
  const token = await guestToken(portal.backendUrl);
  await waitForTeamMembership(token);
  // what the vector-directory target delivered before this test (the layout's example pipeline)
  await eventually('the vector-directory target to have synced', async () => {
    const { body } = await apiRequest(portal.backendUrl, token, 'GET', '/api/gitops/sync');
    return body.items.some(i => i.repository === 'platform' && i.target.startsWith('vector') && i.revision);
  });
  const before = vectorFiles();
  assert.ok(!before.includes(`team-a_${NAME}.yaml`));

  const page = await browser.newPage({ viewport: { width: 1920, height: 1200 } });
  try {
    await signInAsGuest(page, portal.appUrl);
    await page.getByRole('link', { name: 'Pipelines', exact: true }).first().click();
    await page.getByRole('row', { name: 'Pipeline team-a/app-logs' }).waitFor({ timeout: 60000 });
    await page.getByRole('button', { name: 'Create pipeline' }).first().click();

    await page.locator('#pipeline-namespace').fill('team-a');
    await page.locator('#pipeline-name').fill(NAME);
    await page.locator('#pipeline-owner').fill('group:default/team-a');
    await page.getByRole('button', { name: 'Start building' }).click();

    // a source, a remap and — wrongly — a metrics-only sink
    const source = await dropComponent(page, 'source', 'demo_logs', 60, 120);
    await source.getByLabel(/^format/).selectOption('json');
    const remap = await dropComponent(page, 'transform', 'remap', 400, 120);
    await remap.getByLabel(/^source/).fill('.team = "team-a"');
    await remap.getByLabel(/^source/).press('Tab');
    const prom = await dropComponent(page, 'sink', 'prometheus_remote_write', 740, 120);
    await prom.getByLabel(/^endpoint/).fill('http://prometheus.example:9090/api/v1/write');
    await prom.getByLabel(/^endpoint/).press('Tab');

    await connect(page, 'handle-demo_logs-out-default', 'handle-remap-in');
    await connect(page, 'handle-remap-out-default', 'handle-prometheus_remote_write-in');

    // the type error shows on the edge it concerns, before anything is submitted
    const wrong = page.getByTestId('edge-prometheus_remote_write-0');
    await eventually('the wrong edge to be marked', async () => (await wrong.getAttribute('data-state')) === 'error', 30000);
    assert.match(await wrong.getAttribute('aria-label'), /carries only logs, but prometheus_remote_write sink "prometheus_remote_write" accepts only metrics/);
    assert.equal(await page.getByTestId('edge-remap-0').getAttribute('data-state'), 'ok');
    assert.match(await page.getByTestId('save-state').textContent(), /^Fix 1 error before saving\.$/);
    assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled(), true);

    // fix: delete the wrong sink from the canvas (keyboard), put a console sink with a JSON codec there
    await page.getByTestId('node-prometheus_remote_write').click();
    await page.keyboard.press('Delete');
    await page.getByTestId('node-prometheus_remote_write').waitFor({ state: 'detached' });
    const sink = await dropComponent(page, 'sink', 'console', 740, 120);
    await sink.getByLabel(/^codec/).selectOption('json');
    await connect(page, 'handle-remap-out-default', 'handle-console-in');
    const fixed = page.getByTestId('edge-console-0');
    await eventually('the new edge to carry logs', async () => (await fixed.getAttribute('data-state')) === 'ok', 30000);
    assert.equal(await fixed.textContent(), 'logs');
    await eventually('the pipeline to be valid', async () => (await page.getByTestId('validation-state').textContent()) === 'Valid', 30000);

    const created = await save(page);
    assert.match(created.diff, /\+\+\+ b\/pipelines\/team-a\/e2e-logs\.yaml/);
    await page.screenshot({ path: path.join(portal.dataDir, 'herald-saved.png'), fullPage: true });
    await approveAndMerge(page, portal.appUrl, created.href);

    // delivered: the Vector directory holds the rendered pipeline next to what was there
    const file = `team-a_${NAME}.yaml`;
    await eventually(`${file} in the Vector directory`, async () => vectorFiles().includes(file), 60000);
    assert.deepEqual(vectorFiles(), [...before, file].sort());
    const config = YAML.parse(fs.readFileSync(path.join(vectorDir(), file), 'utf8'));
    assert.deepEqual(config, {
      sources: { 'team-a_e2e-logs_demo_logs': { type: 'demo_logs', format: 'json' } },
      transforms: {
        'team-a_e2e-logs_remap': { type: 'remap', inputs: ['team-a_e2e-logs_demo_logs'], source: '.team = "team-a"' },
      },
      sinks: {
        'team-a_e2e-logs_console': { type: 'console', inputs: ['team-a_e2e-logs_remap'], encoding: { codec: 'json' } },
      },
    });

    // the pipeline's page shows it Synced, with the rendered config
    await page.goto(`${portal.appUrl}/pipelines/${REF}`);
    await eventually('the pipeline page to say Synced', async () => (await page.getByTestId('pipeline-sync').textContent()).includes('Synced'), 60000);
    await page.getByTestId('edge-console-0').waitFor();

    // edit one option in the YAML editor; the builder follows
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('tab', { name: 'YAML' }).click();
    const editor = page.getByTestId('yaml-editor');
    await editor.getByText('format: json').waitFor();
    await editor.getByText('format: json').click();
    await page.keyboard.press('End');
    for (let i = 0; i < 'json'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('syslog');
    await page.getByRole('tab', { name: 'Visual builder' }).click();
    await page.getByTestId('node-demo_logs').click();
    const form = page.getByRole('region', { name: 'Component demo_logs' });
    await eventually('the builder to show the new format', async () => (await form.getByLabel(/^format/).inputValue()) === 'syslog', 30000);

    const edited = await save(page);
    const changed = edited.diff.split('\n').filter(l => /^[-+]/.test(l) && !/^(---|\+\+\+)/.test(l));
    assert.deepEqual(changed, ['-        format: json', '+        format: syslog']);
  } catch (e) {
    await page.screenshot({ path: path.join(portal.dataDir, 'failure.png'), fullPage: true });
    throw e;
  } finally {
    await page.close();
  }
});
