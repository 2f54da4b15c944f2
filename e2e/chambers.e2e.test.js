/*
 * Browser test and acceptance of Chambers (plugins/workspaces) on the embedded default: the
 * guest creates, edits and deletes a workspace in the browser, each as a change request that
 * is approved and merged on the Changes page, and after each merge the directory target holds
 * exactly the expected Workspace manifest — valid under the Butler CRD's schema — and nothing
 * else in it changed. Also: a pasted private key is refused and never sent, and the scaffolder
 * lists the create-workspace template.
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

const ROOT = path.resolve(__dirname, '..');
const SSH_FIXTURES = path.join(ROOT, 'plugins/gitops-common/src/validation/__fixtures__/ssh');
// a public key made once with ssh-keygen (its private half was not kept)
const PUBLIC_KEY = fs.readFileSync(path.join(SSH_FIXTURES, 'ed25519.pub'), 'utf8').trim();
// built from parts so that no scanner mistakes the test for a leaked key
const PRIVATE_KEY = [
  `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----`,
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  `-----END OPENSSH ${'PRIVATE'} KEY-----`,
].join('\n');

const NAMESPACE = 'team-a';
const NAME = 'e2e-chambers';
const REF = `${NAMESPACE}/${NAME}`;
const REPOSITORY = 'https://github.com/example-org/payments-api.git';
const CLUSTER = 'team-a-dev';
/** where the layout puts the workspace, in Git and in the directory target */
const FILE = `workspaces/${NAMESPACE}/${NAME}.yaml`;

let portal;
let browser;
let manifestsDir;

before(async () => {
  portal = await startPortal({ name: 'chambers' });
  manifestsDir = path.join(portal.dataDir, 'manifests', 'platform');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

/** Waits until the catalog knows the guest as a member of team-a (a code owner of workspaces/team-a/). */
async function waitForTeamMembership(token) {
  await eventually('the catalog to make guest a member of group:default/team-a', async () => {
    const res = await fetch(`${portal.backendUrl}/api/catalog/entities/by-name/user/default/guest`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const user = res.ok ? await res.json() : undefined;
    return (user?.relations ?? []).some(r => r.type === 'memberOf' && r.targetRef === 'group:default/team-a');
  });
}

/** Every file under the directory target, by relative path. */
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

/** The directory target without the test's workspace, to compare with the state before the test. */
function othersThan(files, file) {
  const copy = new Map(files);
  copy.delete(file);
  return copy;
}

/** The sync state of the directory target from `GET /api/gitops/sync`. */
async function directorySync(token) {
  const { body } = await apiRequest(portal.backendUrl, token, 'GET', '/api/gitops/sync');
  return body.items.find(i => i.repository === 'platform' && i.target === 'directory');
}

/** Opens the change on the Changes page (from the sidebar), approves it and merges it. */
async function approveAndMerge(page, title) {
  await page.getByRole('link', { name: 'Changes', exact: true }).first().click();
  const link = page.getByRole('link', { name: title, exact: true });
  await link.first().waitFor({ timeout: 60000 });
  await link.first().click();
  await page.getByRole('heading', { name: title, exact: true }).waitFor({ timeout: 60000 });
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
}

/** The "Change request opened" notice: checks its link goes to the change on the Changes page. */
async function expectOpenedNotice(page) {
  const notice = page.getByRole('status', { name: 'Change request opened' });
  await notice.waitFor({ timeout: 60000 });
  const link = notice.getByRole('link', { name: /^#\d+$/ });
  const href = await link.getAttribute('href');
  // the local provider has no web UI: the portal's Changes page is where the change is reviewed
  assert.match(href, /^\/changes\/platform/, `change link ${href}`);
  assert.match(await notice.textContent(), /is open/);
  return notice;
}

/** Opens the workspace's page from My workspaces. */
async function openWorkspace(page) {
  await page.goto(`${portal.appUrl}/workspaces`);
  const row = page.getByRole('row', { name: `Workspace ${REF}` });
  await row.waitFor({ timeout: 60000 });
  await row.getByRole('link', { name: REF, exact: true }).click();
  await page.getByRole('heading', { name: REF, exact: true }).waitFor({ timeout: 60000 });
}

/** A fresh page; on failure a screenshot `failure-<name>.png` goes to the portal's data dir. */
async function withPage(name, fn) {
  const page = await browser.newPage();
  try {
    await fn(page);
  } catch (e) {
    await page.screenshot({ path: path.join(portal.dataDir, `failure-${name}.png`), fullPage: true }).catch(() => undefined);
    throw e;
  } finally {
    await page.close();
  }
}

/** Opens the create form from My workspaces and fills it with the go-dev template. */
async function fillCreateForm(page, sshKeys) {
  await page.getByRole('link', { name: 'Workspaces', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Workspaces', exact: true }).waitFor({ timeout: 60000 });
  await page.getByRole('button', { name: 'Create workspace' }).first().click();
  await page.getByRole('heading', { name: 'Create workspace', exact: true }).waitFor({ timeout: 60000 });
  const form = page.getByRole('form', { name: 'Create workspace' });
  await form.waitFor({ timeout: 60000 });

  await form.getByRole('button', { name: /Template/ }).click();
  await page.getByRole('option', { name: 'Go development (backend)' }).click();
  // the menu hides the rest of the page from the accessibility tree until it has closed
  await page.getByRole('listbox').waitFor({ state: 'detached', timeout: 30000 });

  const field = name => form.getByRole('textbox', { name, exact: true });
  // the template fills the namespace (a team template) and the sizes
  assert.equal(await field('Namespace').inputValue(), NAMESPACE);
  assert.equal(await field('CPU').inputValue(), '2');
  assert.equal(await field('Memory').inputValue(), '4Gi');
  await field('Cluster').fill(CLUSTER);
  await field('Name').fill(NAME);
  await form.getByRole('button', { name: 'Add repository', exact: true }).click();
  await field('Repository 1 URL').fill(REPOSITORY);
  await field('SSH public keys').fill(sshKeys);
  return { form, field };
}

test('a pasted private key is refused at the field and the form sends nothing', async () => {
  const token = await guestToken(portal.backendUrl);
  await waitForTeamMembership(token);
  await withPage('private-key', async page => {
    await signInAsGuest(page, portal.appUrl);
    // every request the page makes from here on, to prove the key never leaves it
    const sent = [];
    page.on('request', req => sent.push({ method: req.method(), url: req.url(), body: req.postData() ?? '' }));

    const { form, field } = await fillCreateForm(page, PRIVATE_KEY);
    const keys = field('SSH public keys');
    await eventually('the private key message at the field', async () => /This is a private key/.test(await form.textContent()), 30000);
    assert.equal(await keys.getAttribute('aria-invalid'), 'true');
    const describedBy = await keys.getAttribute('aria-describedby');
    assert.ok(describedBy, 'the field has a helper text');
    assert.equal(
      await page.locator(`[id="${describedBy}"]`).textContent(),
      'This is a private key. Paste the public key instead (the .pub file, e.g. ~/.ssh/id_ed25519.pub); a private key must never leave your machine, so it was not kept.',
    );

    await form.getByRole('button', { name: 'Open change request', exact: true }).click();
    // give a (wrong) submit time to reach the backend before checking that none did
    await page.waitForTimeout(3000);
    assert.equal(await page.getByRole('status', { name: 'Change request opened' }).count(), 0);
    assert.ok(await form.isVisible(), 'the form stays, with its error');
    assert.deepEqual(
      sent.filter(r => r.method !== 'GET' && /\/api\/gitops\/changes/.test(r.url)),
      [],
      'no change request was opened',
    );
    assert.deepEqual(
      sent.filter(r => r.body.includes('PRIVATE KEY') || r.url.includes('PRIVATE')),
      [],
      'the private key was sent nowhere',
    );
  });
  // no state filter: open, merged and closed alike
  const { body: changes } = await apiRequest(portal.backendUrl, token, 'GET', '/api/gitops/changes');
  assert.deepEqual(
    changes.items.filter(c => (c.resources ?? []).some(r => r.name === NAME)),
    [],
    'the backend has no change for the workspace',
  );
});

test('a workspace is created, edited and deleted in the browser, each a reviewed and merged change', async () => {
  const token = await guestToken(portal.backendUrl);
  await waitForTeamMembership(token);
  // the first sync renders the repository's own files; what the test does is compared with them
  await eventually('the first sync to the directory target', async () => {
    const sync = await directorySync(token);
    return sync?.condition === 'Ready' && sync.resources.length > 0 && readManifests().has('workspaces/team-a/alice-dev.yaml');
  });
  const before = readManifests();
  assert.ok(!before.has(FILE));

  /** the manifest of the workspace once the target holds it as `check` wants, and the rest untouched */
  const manifestAfterSync = async (what, check) => {
    const text = await eventually(`the directory target to hold ${what}`, async () => {
      const sync = await directorySync(token);
      const synced = sync?.resources.some(r => r.kind === 'Workspace' && r.namespace === NAMESPACE && r.name === NAME && r.status === 'Synced');
      const file = readManifests().get(FILE);
      return synced && file && check(YAML.parse(file)) ? file : undefined;
    });
    assert.deepEqual(othersThan(readManifests(), FILE), before, 'no other manifest changed');
    const result = validateManifest(text, FILE);
    assert.deepEqual(result.issues, [], `${FILE} is valid under the Workspace schema`);
    assert.equal(result.ok, true);
    return YAML.parse(text);
  };

  // what the form asks for, as the directory target renders it (with the managed-by label)
  const expected = {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: {
      name: NAME,
      namespace: NAMESPACE,
      annotations: { 'portal.butlerlabs.dev/template': 'team-a/go-dev' },
      labels: { 'portal.butlerlabs.dev/managed-by': 'butler-portal' },
    },
    spec: {
      clusterRef: { name: CLUSTER },
      image: 'golang:1.23-bookworm',
      owner: 'guest@example.com',
      resources: { cpu: '2', memory: '4Gi' },
      storageSize: '20Gi',
      repositories: [{ url: REPOSITORY }],
      sshPublicKeys: [PUBLIC_KEY],
    },
  };

  await withPage('lifecycle', async page => {
    await signInAsGuest(page, portal.appUrl);

    // --- create
    const { form } = await fillCreateForm(page, PUBLIC_KEY);
    await form.getByRole('button', { name: 'Open change request', exact: true }).click();
    const notice = await expectOpenedNotice(page);
    assert.match(await notice.textContent(), new RegExp(`Workspace ${REF} requested`));
    // before the merge My workspaces lists it as a pending create
    await page.getByRole('link', { name: 'Workspaces', exact: true }).first().click();
    const pending = page.getByRole('row', { name: `Workspace ${REF}` });
    await pending.waitFor({ timeout: 60000 });
    assert.match(await pending.textContent(), /pending create/);

    await approveAndMerge(page, `Create workspace ${REF}`);
    const created = await manifestAfterSync('the new workspace', () => true);
    assert.deepEqual(created, expected);

    // My workspaces shows it Synced (the list reads once per visit, so revisit until it does)
    await eventually(
      'My workspaces to show the workspace Synced',
      async () => {
        await page.goto(`${portal.appUrl}/workspaces`);
        const row = page.getByRole('row', { name: `Workspace ${REF}` });
        await row.waitFor({ timeout: 30000 });
        const text = await row.textContent();
        return /Synced/.test(text) && /golang:1\.23-bookworm/.test(text) && !/pending create/.test(text);
      },
      120000,
    );
    // no management cluster on the embedded default: live status is unavailable, and says so
    await page.getByRole('status', { name: 'Runtime unavailable' }).waitFor({ timeout: 30000 });

    // --- connect
    await openWorkspace(page);
    const connect = page.getByRole('region', { name: 'Connect' });
    await connect.waitFor({ timeout: 30000 });
    const alias = `${NAME}.${NAMESPACE}.butler`;
    assert.equal(
      await connect.getByLabel('SSH config', { exact: true }).textContent(),
      `Host ${alias}\n  # HostName and Port appear here once the workspace reports its SSH endpoint\n  User dev\n`,
    );
    assert.equal(
      await connect.getByRole('link', { name: 'Open in VS Code' }).getAttribute('href'),
      `vscode://vscode-remote/ssh-remote+${alias}/workspace/payments-api`,
    );
    assert.equal(
      await connect.getByRole('link', { name: 'Open in JetBrains Gateway' }).getAttribute('href'),
      `jetbrains-gateway://connect#type=ssh&deploy=false&host=${alias}&port=22&user=dev&projectPath=%2Fworkspace%2Fpayments-api`,
    );
    for (const copy of ['Copy SSH config', 'Copy VS Code link', 'Copy JetBrains Gateway link']) {
      assert.equal(await connect.getByRole('button', { name: copy }).count(), 1, copy);
    }
    await page.screenshot({ path: path.join(portal.dataDir, 'workspace-created.png'), fullPage: true });

    // --- edit: one field, one line
    const { body: gitBefore } = await apiRequest(portal.backendUrl, token, 'GET', `/api/gitops/resources/Workspace/${REF}`);
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${REF}` });
    await edit.waitFor({ timeout: 30000 });
    const cpu = edit.getByRole('textbox', { name: 'CPU', exact: true });
    const openEdit = edit.getByRole('button', { name: 'Open change request', exact: true });
    // an edit is held to the limits of the template named on the workspace, as a create is
    await cpu.fill('4');
    await eventually('the template limit at the CPU field', async () => /at most 2 with template Go development/.test(await edit.textContent()), 30000);
    assert.equal(await openEdit.isDisabled(), true);
    await cpu.fill('1');
    await eventually('the edit to be accepted', async () => !(await openEdit.isDisabled()), 30000);
    await openEdit.click();
    await edit.waitFor({ state: 'detached', timeout: 60000 });
    await expectOpenedNotice(page);

    await approveAndMerge(page, `Update workspace ${REF}`);
    const edited = await manifestAfterSync('the edited workspace', m => m.spec?.resources?.cpu === '1');
    assert.deepEqual(edited, { ...expected, spec: { ...expected.spec, resources: { cpu: '1', memory: '4Gi' } } });
    // and in Git the edit changed that one line of the file, nothing else
    const { body: gitAfter } = await apiRequest(portal.backendUrl, token, 'GET', `/api/gitops/resources/Workspace/${REF}`);
    const [linesBefore, linesAfter] = [gitBefore.yaml.split('\n'), gitAfter.yaml.split('\n')];
    assert.equal(linesAfter.length, linesBefore.length);
    assert.deepEqual(
      linesAfter.map((line, i) => [line, linesBefore[i]]).filter(([a, b]) => a !== b),
      [[linesAfter.find(l => /^\s+cpu:/.test(l)), linesBefore.find(l => /^\s+cpu:/.test(l))]],
    );

    // --- delete
    await openWorkspace(page);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Delete ${REF}?` });
    await confirm.waitFor({ timeout: 30000 });
    await confirm.getByRole('button', { name: 'Open delete change request', exact: true }).click();
    await confirm.waitFor({ state: 'detached', timeout: 60000 });
    await expectOpenedNotice(page);

    await approveAndMerge(page, `Delete workspace ${REF}`);
    await eventually('the directory target to drop the workspace', async () => {
      const sync = await directorySync(token);
      const gone = !sync?.resources.some(r => r.kind === 'Workspace' && r.namespace === NAMESPACE && r.name === NAME);
      return gone && !readManifests().has(FILE);
    });
    assert.deepEqual(readManifests(), before, 'the directory target is back to what it was, nothing else touched');

    // and My workspaces no longer lists it
    await eventually('My workspaces to drop the workspace', async () => {
      await page.goto(`${portal.appUrl}/workspaces`);
      // loaded: the table, or the empty state when the guest owns nothing else
      await page
        .getByRole('table', { name: 'Workspaces' })
        .or(page.getByText('No workspaces yet — create one'))
        .first()
        .waitFor({ timeout: 30000 });
      return (await page.getByRole('row', { name: `Workspace ${REF}` }).count()) === 0;
    });
  });
});

test('the scaffolder lists the create-workspace template', async () => {
  await withPage('scaffolder', async page => {
    await signInAsGuest(page, portal.appUrl);
    await page.goto(`${portal.appUrl}/create`);
    // templates/create-workspace, registered in app-config.yaml, by its title
    const title = page.getByText('Create a workspace', { exact: true }).first();
    await title.waitFor({ timeout: 90000 });
    assert.ok(await title.isVisible(), 'the create-workspace template is listed');
  });
});
