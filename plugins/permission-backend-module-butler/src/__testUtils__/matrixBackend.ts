/*
 * A test backend with the real permission backend, this module's policy, the real butler plugin
 * and the real terminal plugin, over a test API server seeded with Teams, Users, Workspaces,
 * TenantClusters and their addons (cluster mode), or with catalog Groups and no cluster
 * (catalog mode). The test API server is also each tenant cluster (their kubeconfig Secrets
 * point at it, and it holds the pod a terminal opens, running a real /bin/sh). Decisions are
 * read through real HTTP routes: the butler routes (clusters, addons, teams, workspaces,
 * kubeconfig), the terminal's tickets and WebSocket, and the permission backend's /authorize
 * (the route every plugin's permissions service calls, and a page's usePermission) for the
 * permissions whose plugins are not started here.
 */
import { Server } from 'http';
import type { AddressInfo } from 'net';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  loadButlerCrds,
  startKubeTestApiServer,
  type KubeTestApiServerHandle,
} from '@butler-portal/kube-test-apiserver';
// the matrix asserts decisions through the real butler plugin's routes (test code only)
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import butlerPlugin from '@butler-portal/plugin-butler-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import terminalPlugin from '@butler-portal/plugin-terminal-backend';
import {
  INVENTORY_CRDS,
  butlerClient,
  team,
  tenantAddon,
  tenantCluster,
  user,
  type ButlerTestObject,
} from '@butler-portal/plugin-butler-node/testUtils';
import { INVENTORY_KINDS } from '@butler-portal/plugin-butler-common';
import { CoreV1Api } from '@kubernetes/client-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import { permissionModuleButlerPolicy } from '../module';
import { authWithActor, userInfoWithGroups } from './services';

export const WORKSPACE_CRD = 'workspaces.butler.butlerlabs.dev';

/** CRD name → its Butler kind (`teams.butler.butlerlabs.dev` → Team) */
const INVENTORY_KIND_OF_CRD = new Map(
  INVENTORY_KINDS.map(kind => [
    `${kind.toLowerCase()}s.butler.butlerlabs.dev`,
    kind,
  ]),
);

/** The six roles of the matrix, as user entity refs. */
export const CAST = {
  platformAdmin: 'user:default/root',
  teamAdmin: 'user:default/alice',
  operator: 'user:default/oscar',
  viewer: 'user:default/vera',
  otherTeam: 'user:default/bob',
  noTeam: 'user:default/nina',
} as const;
export type Role = keyof typeof CAST;
export const ROLES = Object.keys(CAST) as Role[];

export function workspace(
  namespace: string,
  name: string,
  owner: string,
): ButlerTestObject {
  return {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace },
    spec: {
      clusterRef: { name: 'dev' },
      owner,
      image: 'ghcr.io/butlerlabs/workspace:1.0',
    },
    status: { phase: 'Running' },
  };
}

/** A TenantCluster whose kubeconfig Secret `<name>-kubeconfig` is in its tenant namespace. */
function clusterWithKubeconfig(
  namespace: string,
  name: string,
  teamName: string,
): ButlerTestObject {
  const cluster = tenantCluster(namespace, name, { team: teamName });
  return {
    ...cluster,
    status: {
      ...cluster.status,
      kubeconfigSecretRef: { name: `${name}-kubeconfig` },
    },
  };
}

/** The tenant clusters of the seed (their kubeconfig Secrets: MatrixBackend.kubeconfigs). */
export const TENANT_CLUSTERS = [
  { namespace: 'team-a', name: 'dev', team: 'team-a' },
  { namespace: 'team-b', name: 'b-prod', team: 'team-b' },
].map(c => ({
  ...c,
  ref: `${c.namespace}/${c.name}`,
  tenantNamespace: `${c.namespace}-${c.name}`,
}));

/** An addon on each tenant cluster, in the cluster's namespace. */
export const TENANT_ADDONS = [
  { namespace: 'team-a', name: 'prometheus', cluster: 'dev' },
  { namespace: 'team-b', name: 'logging', cluster: 'b-prod' },
];

/** The pod a tenant-cluster terminal opens (each tenant cluster is the test API server). */
export const APP_POD = { namespace: 'apps', name: 'web-0' };
/** The app's origin, the only one a terminal may be opened from. */
export const APP_ORIGIN = 'http://localhost:3000';

/** Team a (admin alice, operator oscar, viewer vera), team b (bob), root, nina with no team. */
export function clusterSeed(): ButlerTestObject[] {
  return [
    team('team-a', {
      namespace: 'team-a',
      members: [
        { email: 'alice@example.com', role: 'admin' },
        { email: 'oscar@example.com', role: 'operator' },
        { email: 'vera@example.com', role: 'viewer' },
      ],
    }),
    team('team-b', {
      namespace: 'team-b',
      members: [{ email: 'bob@example.com', role: 'admin' }],
    }),
    user('root', 'root@example.com', { admin: true }),
    user('alice', 'alice@example.com'),
    user('oscar', 'oscar@example.com'),
    user('vera', 'vera@example.com'),
    user('bob', 'bob@example.com'),
    user('nina', 'nina@example.com'),
    user('mallory', 'mallory@example.com', { disabled: true }),
    workspace('team-a', 'oscar-dev', 'oscar@example.com'),
    workspace('team-a', 'alice-dev', 'alice@example.com'),
    // nina has no team but owns a workspace in team-a's namespace: the owner rule alone
    workspace('team-a', 'nina-dev', 'NINA@example.com'),
    workspace('team-b', 'bob-dev', 'bob@example.com'),
    ...TENANT_CLUSTERS.map(c =>
      clusterWithKubeconfig(c.namespace, c.name, c.team),
    ),
    ...TENANT_ADDONS.map(a => tenantAddon(a.namespace, a.name, a.cluster)),
  ];
}

export interface MatrixBackend {
  api: ReturnType<typeof request>;
  /** the terminal's WebSocket endpoint */
  wsUrl: string;
  as(ref: string): { Authorization: string };
  /** the permission backend's decision for one permission, as `ALLOW`/`DENY`/`CONDITIONAL` */
  decide(ref: string, permission: object): Promise<any>;
  stop(): Promise<void>;
}

async function start(
  features: any[],
  cleanup: () => Promise<void>,
): Promise<MatrixBackend> {
  const backend = await startTestBackend({
    features: [
      permissionPlugin,
      permissionModuleButlerPolicy,
      butlerPlugin,
      terminalPlugin,
      authWithActor,
      // the real httpAuth on top of it (the mock's builds its own auth and drops the actor)
      httpAuthServiceFactory,
      ...features,
    ],
  });
  const api = request(backend.server as Server);
  const as = (ref: string) => ({
    Authorization: mockCredentials.user.header(ref),
  });
  const { port } = (backend.server as Server).address() as AddressInfo;
  return {
    api,
    wsUrl: `ws://127.0.0.1:${port}/api/terminal/connect`,
    as,
    async decide(ref, permission) {
      // as a plugin asks: its token on behalf of the user (a user's own request for a
      // resource permission without a resourceRef is refused by the permission backend)
      const res = await api
        .post('/api/permission/authorize')
        .set({
          Authorization: mockCredentials.service.header({
            onBehalfOf: mockCredentials.user(ref),
            targetPluginId: 'permission',
          }),
        })
        .send({ items: [{ id: '1', permission }] })
        .expect(200);
      return res.body.items[0];
    },
    async stop() {
      await backend.stop();
      await cleanup();
    },
  };
}

/** Cluster mode: the test API server holds the seed; butler.managementCluster points at it. */
export async function startClusterMatrix(
  options: {
    config?: Record<string, unknown>;
    /**
     * kinds whose CRD the cluster does not serve (their seed objects left out): the inventory
     * never syncs them, as when the cluster refuses or never answers for them
     */
    withoutKinds?: ButlerTestObject['kind'][];
  } = {},
): Promise<
  MatrixBackend & {
    kube: KubeTestApiServerHandle;
    /** tenant cluster `<namespace>/<name>` → the kubeconfig its Secret holds */
    kubeconfigs: Record<string, string>;
  }
> {
  const without = new Set<string>(options.withoutKinds ?? []);
  const kube = await startKubeTestApiServer({
    crds: loadButlerCrds(
      [...INVENTORY_CRDS, WORKSPACE_CRD].filter(
        crd => !without.has(INVENTORY_KIND_OF_CRD.get(crd) ?? ''),
      ),
    ),
    namespaces: [
      'default',
      'team-a',
      'team-b',
      APP_POD.namespace,
      ...TENANT_CLUSTERS.map(c => c.tenantNamespace),
    ],
  });
  // each tenant cluster is the test API server; the comment tells one Secret from the other
  const kubeconfigs = Object.fromEntries(
    TENANT_CLUSTERS.map(c => [
      c.ref,
      `${kube.kubeconfigYaml.trimEnd()}\n# tenant cluster ${c.ref}\n`,
    ]),
  );
  const client = butlerClient(kube.kubeconfig);
  for (const object of clusterSeed()) {
    if (!without.has(object.kind)) await client.create(object);
  }
  const core = kube.kubeconfig.makeApiClient(CoreV1Api);
  for (const c of TENANT_CLUSTERS) {
    await core.createNamespacedSecret({
      namespace: c.tenantNamespace,
      body: {
        metadata: { name: `${c.name}-kubeconfig` },
        data: {
          value: Buffer.from(kubeconfigs[c.ref]).toString('base64'),
        },
      },
    });
  }
  await core.createNamespacedPod({
    namespace: APP_POD.namespace,
    body: {
      metadata: { name: APP_POD.name },
      spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
    },
  });
  const dir = createMockDirectory({
    content: { 'kubeconfig.yaml': kube.kubeconfigYaml },
  });
  const backend = await start(
    [
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP_ORIGIN },
          permission: { enabled: true },
          butler: {
            managementCluster: {
              kubeconfigPath: `${dir.path}/kubeconfig.yaml`,
            },
          },
          ...options.config,
        },
      }),
      catalogServiceMock.factory({ entities: [] }),
    ],
    () => kube.stop(),
  );
  return { ...backend, kube, kubeconfigs };
}

/** Catalog mode: no management cluster; Groups and Users in the catalog, groups by userInfo. */
export async function startCatalogMatrix(options: {
  entities: Entity[];
  groups: Record<string, string[]>;
  config?: Record<string, unknown>;
}): Promise<MatrixBackend> {
  return start(
    [
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP_ORIGIN },
          permission: { enabled: true },
          ...options.config,
        },
      }),
      catalogServiceMock.factory({ entities: options.entities }),
      userInfoWithGroups(options.groups),
    ],
    async () => {},
  );
}
