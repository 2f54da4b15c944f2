/*
 * Benchmark of the Butler inventory and catalog module at scale (a script, not a test: it prints
 * numbers and asserts nothing about them).
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-catalog-backend-module-butler benchmark [clusters] [teams] [changes]
 *
 * Seeds the in-repo test API server with `clusters` (default 1,000) TenantClusters with
 * realistic status, `teams` (default 200) Teams of 3 members each, their Users, one TenantAddon
 * per cluster and the addon catalog; then starts a real backend (catalog plugin with this module,
 * the butler plugin, SQLite in memory) configured with butler.managementCluster pointing at it,
 * and prints:
 *
 *   - first dashboard answer: backend start until GET /api/butler/clusters answers with every
 *     cluster (as a platform admin)
 *   - complete catalog: backend start until the catalog API holds every cluster Resource, Team
 *     Group and User
 *   - for `changes` (default 10) single-cluster phase changes: the time from the status write to
 *     the Resource's phase annotation reading the new value through the catalog API, and to the
 *     provider's delta (how many entities it sent)
 */
import { Server } from 'http';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import butlerPlugin from '@butler-portal/plugin-butler-backend';
import {
  addonDefinition,
  butlerClient,
  INVENTORY_CRDS,
  team,
  tenantAddon,
  tenantCluster,
  user,
} from '@butler-portal/plugin-butler-node/testUtils';
import { ClusterInventory } from '@butler-portal/plugin-butler-node';
import type { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import request from 'supertest';
import catalogModuleButler, { ButlerEntityProvider } from '../src';

const CLUSTERS = Number(process.argv[2] ?? 1000);
const TEAMS = Number(process.argv[3] ?? 200);
const CHANGES = Number(process.argv[4] ?? 10);

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const fmt = (n: number) => `${n.toFixed(0)} ms`;
const sleep = (t: number) => new Promise(r => setTimeout(r, t));

let lastSeen = '';
async function until<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 300_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last seen: ${lastSeen})`);
    await sleep(20);
  }
}

/** Runs `n` promises at most `limit` at a time. */
async function limited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main() {
  const namespaces = Array.from({ length: TEAMS }, (_, i) => `team-${i}`);
  const kube = await startKubeTestApiServer({
    crds: loadButlerCrds(INVENTORY_CRDS),
    namespaces,
  });
  const client = butlerClient(kube.kubeconfig);
  const seedStart = process.hrtime.bigint();
  const objects = [
    user('root', 'root@example.com', { admin: true }),
    addonDefinition('prometheus'),
    addonDefinition('cilium', { platform: true, category: 'cni' }),
  ];
  for (let t = 0; t < TEAMS; t++) {
    const members = [0, 1, 2].map(m => `u${t}-${m}@example.com`);
    objects.push(
      team(`team-${t}`, {
        namespace: `team-${t}`,
        members: members.map(email => ({ email, role: 'operator' })),
      }),
    );
    members.forEach((email, m) => objects.push(user(`u${t}-${m}`, email)));
  }
  for (let c = 0; c < CLUSTERS; c++) {
    const ns = `team-${c % TEAMS}`;
    objects.push(
      tenantCluster(ns, `cluster-${c}`, {
        team: ns,
        phase: c % 10 === 0 ? 'Provisioning' : 'Ready',
      }),
    );
    objects.push(tenantAddon(ns, `prometheus-${c}`, `cluster-${c}`));
  }
  await limited(objects, 16, o => client.create(o));
  const users = 1 + TEAMS * 3;
  process.stdout.write(
    `seeded ${CLUSTERS} TenantClusters, ${CLUSTERS} TenantAddons, ${TEAMS} Teams, ${users} Users in ${fmt(
      ms(seedStart),
    )}\n`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-bench-'));
  fs.writeFileSync(path.join(dir, 'kubeconfig.yaml'), kube.kubeconfigYaml);
  const start = process.hrtime.bigint();
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleButler,
      butlerPlugin,
      mockServices.rootConfig.factory({
        data: {
          butler: {
            managementCluster: {
              kubeconfigPath: path.join(dir, 'kubeconfig.yaml'),
            },
          },
          // as app-config.yaml: stitching polled every 250 ms
          catalog: {
            rules: [{ allow: ['User', 'Group', 'Resource', 'Location'] }],
            stitchingStrategy: { pollingInterval: { milliseconds: 250 } },
          },
        },
      }),
    ],
  });
  const server = backend.server as Server;
  const root = {
    Authorization: mockCredentials.user.header('user:default/root'),
  };
  const started = ms(start);

  const dashboard = await until(async () => {
    const res = await request(server).get('/api/butler/clusters').set(root);
    lastSeen = `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    return res.status === 200 && res.body.items.length === CLUSTERS
      ? ms(start)
      : undefined;
  }, 'the dashboard');

  const count = async (kind: string) => {
    const res = await request(server)
      .get(`/api/catalog/entities/by-query?filter=kind=${kind}&limit=1`)
      .set(root);
    return res.status === 200 ? (res.body.totalItems as number) : 0;
  };
  const catalogDone = await until(async () => {
    const [r, g, u] = await Promise.all([
      count('resource'),
      count('group'),
      count('user'),
    ]);
    lastSeen = `${r} resources, ${g} groups, ${u} users`;
    return r === CLUSTERS && g === TEAMS && u === users ? ms(start) : undefined;
  }, 'the complete catalog');

  process.stdout.write(`backend started in ${fmt(started)}\n`);
  process.stdout.write(
    `first dashboard answer (${CLUSTERS} clusters): ${fmt(
      dashboard,
    )} after start\n`,
  );
  process.stdout.write(
    `complete catalog (${CLUSTERS} Resources, ${TEAMS} Groups, ${users} Users): ${fmt(
      catalogDone,
    )} after start\n`,
  );

  const latencies: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const c = (i * 97) % CLUSTERS;
    const ns = `team-${c % TEAMS}`;
    const phase = i % 2 === 0 ? 'Updating' : 'Ready';
    const current = await request(server)
      .get(`/api/catalog/entities/by-name/resource/${ns}/cluster-${c}`)
      .set(root);
    const target =
      current.body.metadata.annotations['butler.butlerlabs.dev/phase'] === phase
        ? 'Failed'
        : phase;
    const t0 = process.hrtime.bigint();
    await client.setStatus(
      'TenantCluster',
      `cluster-${c}`,
      { phase: target },
      ns,
    );
    latencies.push(
      await until(async () => {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/resource/${ns}/cluster-${c}`)
          .set(root);
        return res.body?.metadata?.annotations?.[
          'butler.butlerlabs.dev/phase'
        ] === target
          ? ms(t0)
          : undefined;
      }, 'the phase change'),
    );
  }
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)];
  process.stdout.write(
    `phase change -> catalog entity updated (${CHANGES} changes): median ${fmt(
      median,
    )}, max ${fmt(latencies[latencies.length - 1])}\n`,
  );

  await backend.stop();

  // the module's own share: the provider alone, with a connection that only records
  const inventory = new ClusterInventory({ kubeConfig: kube.kubeconfig });
  const provider = new ButlerEntityProvider({
    inventory,
    logger: mockServices.rootLogger({ level: 'error' }),
    syncPollMs: 5,
  });
  const mutations: Array<{ at: bigint; m: EntityProviderMutation }> = [];
  const p0 = process.hrtime.bigint();
  await provider.connect({
    async applyMutation(m) {
      mutations.push({ at: process.hrtime.bigint(), m });
    },
    async refresh() {},
  });
  await inventory.start();
  await until(
    async () => (mutations.length ? true : undefined),
    'the full mutation',
  );
  const full = mutations[0].m as Extract<
    EntityProviderMutation,
    { type: 'full' }
  >;
  process.stdout.write(
    `provider alone: full mutation of ${full.entities.length} entities ${fmt(
      Number(mutations[0].at - p0) / 1e6,
    )} after the inventory started (list of every kind included)\n`,
  );
  const deltas: number[] = [];
  let sizes = 0;
  for (let i = 0; i < CHANGES; i++) {
    const c = (i * 89 + 1) % CLUSTERS;
    const ns = `team-${c % TEAMS}`;
    const before = mutations.length;
    const t0 = process.hrtime.bigint();
    // a real change: a phase other than the one it has
    const now = inventory.get('TenantCluster', `cluster-${c}`, ns)?.status
      ?.phase;
    await client.setStatus(
      'TenantCluster',
      `cluster-${c}`,
      { phase: now === 'Failed' ? 'Ready' : 'Failed' },
      ns,
    );
    try {
      await until(
        async () => (mutations.length > before ? true : undefined),
        'the delta',
        20_000,
      );
    } catch {
      process.stdout.write(
        `provider alone: the phase change of cluster-${c} did not reach the provider within 20 s (inventory holds phase ${
          inventory.get('TenantCluster', `cluster-${c}`, ns)?.status?.phase
        }); stopping the provider-alone deltas\n`,
      );
      break;
    }
    const { at, m } = mutations[before];
    deltas.push(Number(at - t0) / 1e6);
    if (m.type === 'delta') sizes += m.added.length + m.removed.length;
  }
  deltas.sort((a, b) => a - b);
  if (deltas.length)
    process.stdout.write(
      `provider alone: phase change -> delta mutation median ${deltas[
        Math.floor(deltas.length / 2)
      ].toFixed(1)} ms, max ${deltas[deltas.length - 1].toFixed(1)} ms, ${(
        sizes / deltas.length
      ).toFixed(1)} entities per delta\n`,
    );
  provider.close();
  await inventory.stop();
  await kube.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

// lingering keep-alive sockets of the watches must not keep the process waiting
main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
