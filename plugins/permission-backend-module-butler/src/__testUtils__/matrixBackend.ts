/*
 * A test backend with the real permission backend, this module's policy and the real butler
 * plugin, over a test API server seeded with Teams, Users and Workspaces (cluster mode), or
 * with catalog Groups and no cluster (catalog mode). Decisions are read through real HTTP
 * routes: the butler workspace routes, and the permission backend's /authorize (the route every
 * plugin's permissions service calls) for the permissions whose plugins are not started here.
 */
import { Server } from 'http';
import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
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
import {
  INVENTORY_CRDS,
  butlerClient,
  team,
  tenantCluster,
  user,
  type ButlerTestObject,
} from '@butler-portal/plugin-butler-node/testUtils';
import { CoreV1Api } from '@kubernetes/client-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import { permissionModuleButlerPolicy } from '../module';

export const WORKSPACE_CRD = 'workspaces.butler.butlerlabs.dev';

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

/** The tenant clusters of the seed, with the kubeconfig each Secret holds. */
export const TENANT_CLUSTERS = [
  { namespace: 'team-a', name: 'dev', team: 'team-a' },
  { namespace: 'team-b', name: 'b-prod', team: 'team-b' },
].map(c => ({
  ...c,
  tenantNamespace: `${c.namespace}-${c.name}`,
  kubeconfig: `apiVersion: v1\nkind: Config\nclusters:\n  - name: ${c.name}\n    cluster: { server: 'https://${c.name}.example.com:6443' }\nusers:\n  - name: admin\n    user: { token: token-of-${c.name} }\ncontexts:\n  - name: ${c.name}\n    context: { cluster: ${c.name}, user: admin }\ncurrent-context: ${c.name}\n`,
}));

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
  ];
}

export interface MatrixBackend {
  api: ReturnType<typeof request>;
  as(ref: string): { Authorization: string };
  /** the permission backend's decision for one permission, as `ALLOW`/`DENY`/`CONDITIONAL` */
  decide(ref: string, permission: object): Promise<any>;
  stop(): Promise<void>;
}

/**
 * Backstage's mock auth, except that a plugin's token on behalf of a user authenticates as that
 * user with the plugin as actor, as the real auth service does. The permission backend needs
 * the actor to tell a plugin's conditional query (allowed) from a user's direct request for a
 * resource permission without a resourceRef (refused); the mock drops it.
 */
const SERVICE_TOKEN_PREFIX = 'mock-service-token:';
const authWithActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(inner), {
      async authenticate(token: string, options?: any) {
        const credentials = await inner.authenticate(token, options);
        if (token.startsWith(SERVICE_TOKEN_PREFIX)) {
          const { sub, obo } = JSON.parse(
            token.slice(SERVICE_TOKEN_PREFIX.length),
          );
          if (obo)
            return mockCredentials.user(obo, { actor: { subject: sub } });
        }
        return credentials;
      },
    });
  },
});

function userInfoWithGroups(groups: Record<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials: any) {
        const ref = credentials.principal.userEntityRef as string;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
        };
      },
    }),
  });
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
  return {
    api,
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
  options: { config?: Record<string, unknown> } = {},
): Promise<MatrixBackend & { kube: KubeTestApiServerHandle }> {
  const kube = await startKubeTestApiServer({
    crds: loadButlerCrds([...INVENTORY_CRDS, WORKSPACE_CRD]),
    namespaces: [
      'default',
      'team-a',
      'team-b',
      ...TENANT_CLUSTERS.map(c => c.tenantNamespace),
    ],
  });
  const client = butlerClient(kube.kubeconfig);
  for (const object of clusterSeed()) await client.create(object);
  const core = kube.kubeconfig.makeApiClient(CoreV1Api);
  for (const c of TENANT_CLUSTERS) {
    await core.createNamespacedSecret({
      namespace: c.tenantNamespace,
      body: {
        metadata: { name: `${c.name}-kubeconfig` },
        data: { value: Buffer.from(c.kubeconfig).toString('base64') },
      },
    });
  }
  const dir = createMockDirectory({
    content: { 'kubeconfig.yaml': kube.kubeconfigYaml },
  });
  const backend = await start(
    [
      mockServices.rootConfig.factory({
        data: {
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
  return { ...backend, kube };
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
        data: { permission: { enabled: true }, ...options.config },
      }),
      catalogServiceMock.factory({ entities: options.entities }),
      userInfoWithGroups(options.groups),
    ],
    async () => {},
  );
}
