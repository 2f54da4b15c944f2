/*
 * A Butler management cluster for development: the in-repo test API server with the Butler CRDs,
 * seeded with Teams, Users, the addon catalog, TenantClusters and TenantAddons carrying realistic
 * status. The embedded guest (guest@example.com) is a member of team-a.
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-butler-backend test-cluster
 *
 * It writes .data/butler-test-cluster/{kubeconfig.yaml,app-config.yaml} and prints the command
 * that starts the portal on the embedded defaults plus that cluster. It runs until Ctrl-C; every
 * 20 s one cluster changes phase, so the pages' live updates can be watched.
 */
import fs from 'fs';
import path from 'path';
import {
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import {
  addonDefinition,
  butlerClient,
  INVENTORY_CRDS,
  team,
  tenantAddon,
  tenantCluster,
  user,
} from '@butler-portal/plugin-butler-node/testUtils';

const ROOT = path.resolve(__dirname, '../../..');
const DIR = path.join(ROOT, '.data', 'butler-test-cluster');

async function main() {
  const server = await startKubeTestApiServer({
    crds: loadButlerCrds([
      ...INVENTORY_CRDS,
      'workspaces.butler.butlerlabs.dev',
    ]),
    namespaces: ['default', 'team-a', 'team-b'],
  });
  const client = butlerClient(server.kubeconfig);
  const objects = [
    team('team-a', {
      namespace: 'team-a',
      members: [
        { email: 'guest@example.com', role: 'admin' },
        { email: 'alice@example.com', role: 'operator' },
      ],
    }),
    team('team-b', {
      namespace: 'team-b',
      members: [{ email: 'bob@example.com', role: 'admin' }],
    }),
    user('guest', 'guest@example.com'),
    user('alice', 'alice@example.com'),
    user('bob', 'bob@example.com'),
    user('root', 'root@example.com', { admin: true }),
    addonDefinition('cilium', { platform: true, category: 'cni' }),
    addonDefinition('prometheus'),
    addonDefinition('loki'),
    addonDefinition('velero', { category: 'backup' }),
    tenantCluster('team-a', 'team-a-dev', { team: 'team-a' }),
    tenantCluster('team-a', 'team-a-prod', {
      team: 'team-a',
      replicas: 5,
      ready: 3,
      phase: 'Updating',
    }),
    tenantCluster('team-b', 'team-b-dev', {
      team: 'team-b',
      version: 'v1.30.8',
    }),
    tenantAddon('team-a', 'prometheus', 'team-a-dev'),
    tenantAddon('team-a', 'loki', 'team-a-prod', { phase: 'Installing' }),
    tenantAddon('team-b', 'prometheus', 'team-b-dev'),
  ];
  for (const object of objects) await client.create(object);

  fs.mkdirSync(DIR, { recursive: true });
  const kubeconfig = path.join(DIR, 'kubeconfig.yaml');
  fs.writeFileSync(kubeconfig, server.kubeconfigYaml);
  const appConfig = path.join(DIR, 'app-config.yaml');
  fs.writeFileSync(
    appConfig,
    `# written by plugins/butler-backend/scripts/test-cluster.ts\nbutler:\n  managementCluster:\n    kubeconfigPath: ${kubeconfig}\n`,
  );
  process.stdout.write(
    [
      `Butler test management cluster at ${server.url} (${objects.length} objects).`,
      `Start the portal with it (another terminal):`,
      `  node scripts/portal.js yarn backstage-cli repo start --config app-config.yaml --config app-config.embedded.yaml --config ${path.relative(
        ROOT,
        appConfig,
      )}`,
      `Ctrl-C stops the cluster.`,
      '',
    ].join('\n'),
  );

  // a phase change now and then, for the live pages
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    void client
      .setStatus(
        'TenantCluster',
        'team-a-prod',
        { phase: tick % 2 ? 'Ready' : 'Updating' },
        'team-a',
      )
      .catch(() => {});
  }, 20_000);
  const stop = async () => {
    clearInterval(timer);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
