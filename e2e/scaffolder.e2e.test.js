/*
 * End-to-end test of templates/create-workspace on the embedded default, through the
 * scaffolder's REST API as the signed-in guest: a dry run previews the Workspace and opens
 * nothing; a run opens exactly one change request, authored as the guest, whose single file is
 * the valid Workspace the form asked for; running it again with the same name fails with a clear
 * message and opens no second change — while the first is open, and once it is merged. And in
 * the browser: choose the template on /create, fill the form, create, and the task page links
 * the change request.
 */
'use strict';

const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { startPortal } = require('./support/portal');
const { apiRequest, guestToken } = require('./support/api');
const { launchBrowser, signInAsGuest } = require('./support/browser');
const { validateManifest } = require('./support/manifest');
const { eventually } = require('./support/wait');

const ROOT = path.resolve(__dirname, '..');
const TEMPLATE = YAML.parse(fs.readFileSync(path.join(ROOT, 'templates/create-workspace/template.yaml'), 'utf8'));
const TEMPLATE_REF = `template:default/${TEMPLATE.metadata.name}`;
// a public key made once with ssh-keygen (its private half was not kept)
const PUBLIC_KEY = fs.readFileSync(path.join(ROOT, 'plugins/gitops-common/src/validation/__fixtures__/ssh/ed25519.pub'), 'utf8').trim();

const USER = 'user:default/guest';
const NAMESPACE = 'team-a';
const NAME = 'e2e-scaffolded';
/** where the platform layout puts the workspace */
const FILE = `workspaces/${NAMESPACE}/${NAME}.yaml`;

/** what a user enters in the template's form: team-a's go-dev WorkspaceTemplate, one override */
const VALUES = {
  name: NAME,
  namespace: NAMESPACE,
  template: 'go-dev',
  cluster: 'team-a-dev',
  cpu: '1',
  repositories: [{ url: 'https://github.com/example-org/payments-api.git' }],
  sshPublicKeys: [PUBLIC_KEY],
  idleTimeout: '2h',
};

/** the Workspace the values and repo-layouts/platform/workspace-templates/team-a/go-dev.yaml make */
const EXPECTED = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: {
    name: NAME,
    namespace: NAMESPACE,
    annotations: { 'portal.butlerlabs.dev/template': 'team-a/go-dev' },
  },
  spec: {
    // no owner in the form: the guest's email from their catalog User entity
    owner: 'guest@example.com',
    clusterRef: { name: 'team-a-dev' },
    image: 'golang:1.23-bookworm',
    resources: { cpu: '1', memory: '4Gi' },
    storageSize: '20Gi',
    repositories: [{ url: 'https://github.com/example-org/payments-api.git' }],
    sshPublicKeys: [PUBLIC_KEY],
    idleTimeout: '2h',
  },
};

let portal;
let token;
let browser;

before(async () => {
  portal = await startPortal({ name: 'scaffolder' });
  token = await guestToken(portal.backendUrl);
  // the action reads the guest's email from the catalog, and the scaffolder the template
  await eventually('the catalog to hold the guest user and the template', async () => {
    const user = await apiRequest(portal.backendUrl, token, 'GET', '/api/catalog/entities/by-name/user/default/guest');
    await apiRequest(portal.backendUrl, token, 'GET', `/api/catalog/entities/by-name/template/default/${TEMPLATE.metadata.name}`);
    return user.body.spec?.profile?.email === 'guest@example.com';
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

/** Every change request (open, merged or closed) touching the workspace `name` in team-a. */
async function changesOfWorkspace(name = NAME) {
  const { body } = await apiRequest(portal.backendUrl, token, 'GET', '/api/gitops/changes');
  return body.items.filter(c => c.resources.some(r => r.kind === 'Workspace' && r.namespace === NAMESPACE && r.name === name));
}

/**
 * Runs the template as the guest and follows the task's event log (a long poll the scaffolder
 * answers as soon as there is news) until it completes or fails.
 * @returns {Promise<{ task: any, logs: string[], completion: any }>}
 */
async function runTemplate(values) {
  const { body: created } = await apiRequest(portal.backendUrl, token, 'POST', '/api/scaffolder/v2/tasks', {
    templateRef: TEMPLATE_REF,
    values,
  });
  const logs = [];
  const deadline = Date.now() + 60000;
  let after;
  for (;;) {
    const query = after === undefined ? '' : `?after=${after}`;
    const { body: events } = await apiRequest(portal.backendUrl, token, 'GET', `/api/scaffolder/v2/tasks/${created.id}/events${query}`);
    for (const event of events) {
      if (event.type === 'log') logs.push(event.body.message);
      after = Math.max(after ?? 0, event.id);
    }
    const completion = events.find(e => e.type === 'completion');
    if (completion) {
      const { body: task } = await apiRequest(portal.backendUrl, token, 'GET', `/api/scaffolder/v2/tasks/${created.id}`);
      return { task, logs, completion: completion.body };
    }
    if (Date.now() > deadline) throw new Error(`task ${created.id} did not finish within 60 s; log so far:\n${logs.join('\n')}`);
  }
}

test('a dry run previews the workspace file and opens no change', async () => {
  const { body } = await apiRequest(portal.backendUrl, token, 'POST', '/api/scaffolder/v2/dry-run', {
    template: TEMPLATE,
    values: VALUES,
    directoryContents: [],
  });
  const messages = body.log.map(l => l.body.message);
  assert.ok(
    messages.some(m => m.includes(`Dry run: would create ${FILE}`)),
    `dry-run log:\n${messages.join('\n')}`,
  );
  assert.ok(
    body.log.some(l => l.body.stepId === 'workspace' && l.body.status === 'completed'),
    'the step completed',
  );
  assert.match(body.output.text[0].content, new RegExp(`^\`${FILE}\``));
  assert.deepEqual(await changesOfWorkspace(), [], 'the dry run opened no change');
});

test('running the template opens one change request, authored as the user, adding the valid Workspace', async () => {
  const { task, logs, completion } = await runTemplate(VALUES);
  assert.equal(task.status, 'completed', `task log:\n${logs.join('\n')}`);

  const changes = await changesOfWorkspace();
  assert.equal(changes.length, 1, 'exactly one change request');
  const [change] = changes;
  assert.equal(change.state, 'open');
  assert.equal(change.title, `Create workspace ${NAMESPACE}/${NAME}`);
  assert.equal(change.author.userRef, USER);
  assert.equal(change.author.email, 'guest@example.com');
  // the author filter finds it too: the commit is the guest's, not the scaffolder's
  const { body: byAuthor } = await apiRequest(portal.backendUrl, token, 'GET', `/api/gitops/changes?author=${encodeURIComponent(USER)}`);
  assert.deepEqual(
    byAuthor.items.map(c => c.id),
    [change.id],
  );

  // the task's output links the change; the local provider has no web UI, so the portal's page
  assert.deepEqual(completion.output.links, [{ title: 'Change request', url: `/changes/${encodeURIComponent(change.id)}` }]);
  assert.match(completion.output.text[0].content, new RegExp(`^\`${FILE}\``));
  assert.ok(
    logs.some(l => l.includes(`Change request ${change.id} is open`)),
    `task log names the change:\n${logs.join('\n')}`,
  );

  const { body: detail } = await apiRequest(portal.backendUrl, token, 'GET', `/api/gitops/changes/${encodeURIComponent(change.id)}`);
  assert.deepEqual(detail.resources, [{ kind: 'Workspace', namespace: NAMESPACE, name: NAME, operation: 'create' }]);
  assert.deepEqual(
    detail.files.map(f => [f.path, f.status]),
    [[FILE, 'added']],
    'one new file',
  );
  // the backend validated it, and so does gitops-common's validate() here
  assert.deepEqual(detail.validation, { ok: true, issues: [] });
  const text = detail.files[0].after;
  assert.deepEqual(validateManifest(text, FILE), { ok: true, issues: [] });
  assert.deepEqual(YAML.parse(text), EXPECTED);
});

test('running it again with the same name fails with a clear message and opens no second change', async () => {
  const [first] = await changesOfWorkspace();
  assert.equal(first?.state, 'open', 'the first run left an open change');

  const pending = await runTemplate(VALUES);
  assert.equal(pending.task.status, 'failed');
  const pendingLog = pending.logs.join('\n');
  assert.match(pendingLog, new RegExp(`Workspace ${NAMESPACE}/${NAME} is already being created by change request ${first.id}`));
  assert.deepEqual(
    (await changesOfWorkspace()).map(c => c.id),
    [first.id],
    'no second change while the first is open',
  );

  // once the first is merged, the workspace exists on the default branch: still refused
  await eventually('the catalog to make guest a member of group:default/team-a (a code owner)', async () => {
    const { body: user } = await apiRequest(portal.backendUrl, token, 'GET', '/api/catalog/entities/by-name/user/default/guest');
    return (user.relations ?? []).some(r => r.type === 'memberOf' && r.targetRef === 'group:default/team-a');
  });
  const id = encodeURIComponent(first.id);
  await apiRequest(portal.backendUrl, token, 'POST', `/api/gitops/changes/${id}/reviews`, { decision: 'approve' });
  const { body: merged } = await apiRequest(portal.backendUrl, token, 'POST', `/api/gitops/changes/${id}/merge`);
  assert.equal(merged.state, 'merged');

  const existing = await runTemplate(VALUES);
  assert.equal(existing.task.status, 'failed');
  assert.match(existing.logs.join('\n'), new RegExp(`${FILE} already exists in repository 'platform'`));
  assert.deepEqual(
    (await changesOfWorkspace()).map(c => c.id),
    [first.id],
    'no second change once the first is merged',
  );
});

test('in the browser: choose the template, fill the form, create; the task page links the change request', async () => {
  const name = 'e2e-scaffolded-ui';
  const page = await browser.newPage();
  try {
    await signInAsGuest(page, portal.appUrl);
    // in-app navigation: the templates were in the catalog before the page asks for them
    await page.getByRole('link', { name: 'Create', exact: true }).first().click();
    const title = page.getByRole('heading', { name: TEMPLATE.metadata.title, exact: true, level: 4 });
    await title.waitFor({ timeout: 60000 });
    // the card's own Choose button: the nearest ancestor of its title that holds one
    await title
      .locator('xpath=ancestor::*[.//button[normalize-space()="Choose"]][1]')
      .getByRole('button', { name: 'Choose', exact: true })
      .click();

    const form = page.getByRole('article');
    await form.getByRole('heading', { name: TEMPLATE.metadata.title, exact: true, level: 2 }).waitFor({ timeout: 60000 });
    const field = label => form.getByRole('textbox', { name: label, exact: true });
    const button = label => form.getByRole('button', { name: label, exact: true });
    // Workspace
    await field('Name').fill(name);
    await field('Team namespace').fill(NAMESPACE);
    await field('Workspace template').fill(VALUES.template);
    await field('Tenant cluster').fill(VALUES.cluster);
    await button('Next').click();
    // Resources: the template's
    await field('CPU').waitFor({ timeout: 30000 });
    await button('Next').click();
    // Code and dotfiles: one repository
    await field('Dotfiles repository').waitFor({ timeout: 30000 });
    await button('Add Item').click();
    await field('Git URL').fill(VALUES.repositories[0].url);
    await button('Next').click();
    // Access and lifetime: the defaults
    await field('Idle timeout').waitFor({ timeout: 30000 });
    await button('Review').click();
    await form.getByRole('row', { name: `Name ${name}` }).waitFor({ timeout: 30000 });
    await button('Create').click();

    // the task page: the step's output links the change request
    const link = page.getByRole('link', { name: 'Change request', exact: true });
    await link.waitFor({ timeout: 60000 });
    const changes = await changesOfWorkspace(name);
    assert.equal(changes.length, 1, 'one change request');
    const [change] = changes;
    assert.equal(change.author.userRef, USER);
    assert.deepEqual(change.paths, [`workspaces/${NAMESPACE}/${name}.yaml`]);
    assert.equal(await link.getAttribute('href'), `/changes/${encodeURIComponent(change.id)}`);

    // and the link opens the change on the Changes page
    await link.click();
    await page.getByRole('heading', { name: `Create workspace ${NAMESPACE}/${name}`, exact: true }).waitFor({ timeout: 60000 });
  } catch (e) {
    await page.screenshot({ path: path.join(portal.dataDir, 'failure-scaffolder-ui.png'), fullPage: true }).catch(() => undefined);
    throw e;
  } finally {
    await page.close();
  }
});
