/*
 * Benchmark: on the embedded default, how long from a merge's response until the merged
 * Workspace is a manifest in the directory target, and until GET /api/gitops/sync reports it
 * Synced at the merge commit (the reconciler issue's "within 2 seconds"). Starts its own portal
 * on free ports with its own data folder, prints the numbers, and stops the portal.
 *
 *   node scripts/portal.js yarn node scripts/benchmark-merge-latency.js [merges=5]
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { startPortal } = require('../e2e/support/portal');
const { apiRequest, guestToken } = require('../e2e/support/api');
const { eventually } = require('../e2e/support/wait');

const MERGES = Number(process.argv[2] ?? 5);
const NAMESPACE = 'team-a';

function workspace(name) {
  return {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      owner: 'guest@example.com',
      clusterRef: { name: 'team-a-dev' },
      image: 'golang:1.23-bookworm',
    },
  };
}

/** ms until check() is true, polling every 2 ms (the figure is only as fine as the poll) */
async function timeUntil(check, timeoutMs = 30000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 2));
  }
  return Date.now() - start;
}

const stats = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms (${values.join(', ')})`;
};

async function main() {
  const portal = await startPortal({ name: 'bench-merge' });
  try {
    const token = await guestToken(portal.backendUrl);
    const api = (method, p, body) => apiRequest(portal.backendUrl, token, method, p, body);
    // approving takes a code owner of workspaces/team-a: the guest, once the catalog says so
    await eventually('guest to be a member of group:default/team-a', async () => {
      const { body } = await api('GET', '/api/catalog/entities/by-name/user/default/guest');
      return (body.relations ?? []).some(r => r.type === 'memberOf' && r.targetRef === 'group:default/team-a');
    }, 120000);
    await eventually('the first sync', async () => (await api('GET', '/api/gitops/sync')).body.items?.[0]?.condition === 'Ready', 60000);

    const manifest = name => path.join(portal.dataDir, 'manifests', 'platform', 'workspaces', NAMESPACE, `${name}.yaml`);
    const toManifest = [];
    const toSynced = [];
    const mergeCalls = [];
    for (let i = 0; i < MERGES; i++) {
      const name = `bench-${i}`;
      const { body: opened } = await api('POST', '/api/gitops/changes', {
        operation: 'create', kind: 'Workspace', namespace: NAMESPACE, name, resource: workspace(name),
      });
      const id = encodeURIComponent(opened.id);
      await api('POST', `/api/gitops/changes/${id}/reviews`, { decision: 'approve' });
      const before = Date.now();
      const { body: merged } = await api('POST', `/api/gitops/changes/${id}/merge`);
      mergeCalls.push(Date.now() - before);
      toManifest.push(await timeUntil(() => fs.existsSync(manifest(name))));
      toSynced.push(
        await timeUntil(async () => {
          const item = (await api('GET', '/api/gitops/sync')).body.items[0];
          const resource = item.resources.find(r => r.name === name);
          return resource?.status === 'Synced' && resource.revision === merged.mergeCommitSha;
        }),
      );
    }
    console.log(`merges: ${MERGES} (one new Workspace each, local provider, directory target, SQLite)`);
    console.log(`merge call itself:                        ${stats(mergeCalls)}`);
    console.log(`merge response → manifest written:        ${stats(toManifest)}`);
    console.log(`merge response → /sync Synced at merge:   ${stats(toSynced)}`);
  } finally {
    await portal.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
