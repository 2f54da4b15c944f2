/*
 * A backend with the terminal plugin, the real permission backend and the portal's policy, over
 * the in-repo test API server acting as both the management cluster (Teams, Users, Workspaces,
 * TenantClusters and their kubeconfig Secrets) and the tenant cluster (the workspace pods and an
 * application pod, whose exec runs a real /bin/sh in a sandbox folder). Two backends may share
 * one test API server and one database, as two replicas of the portal do.
 */
import { Server } from 'http';
import { AddressInfo } from 'net';
import {
  coreServices,
  createServiceFactory,
  type AuditorServiceCreateEventOptions,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  isResourcePermission,
  type Permission,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  loadButlerCrds,
  startKubeTestApiServer,
  type KubeTestApiServerHandle,
} from '@butler-portal/kube-test-apiserver';
import {
  INVENTORY_CRDS,
  butlerClient,
  team,
  user,
  type ButlerTestObject,
} from '@butler-portal/plugin-butler-node/testUtils';
import permissionModuleButler from '@butler-portal/plugin-permission-backend-module-butler';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Knex } from 'knex';
import { terminalPlugin } from '../plugin';

export const APP_ORIGIN = 'http://localhost:3000';
export const USERS = {
  owner: 'user:default/alice', // team-a admin, owns team-a/alice-dev
  operator: 'user:default/otto', // team-a operator
  viewer: 'user:default/vera', // team-a viewer
  otherTeam: 'user:default/bob', // team-b admin
  disabled: 'user:default/mallory', // team-a operator, a disabled User: the policy refuses all
};

/** A pod of team-a's tenant cluster (team-a/dev), beside the workspace pods. */
export const APP_POD = {
  namespace: 'apps',
  name: 'web-0',
  containers: ['app', 'sidecar'],
};

const API = 'butler.butlerlabs.dev/v1alpha1';

function workspace(
  namespace: string,
  name: string,
  owner: string,
): ButlerTestObject {
  return {
    apiVersion: API,
    kind: 'Workspace',
    metadata: { name, namespace },
    spec: {
      clusterRef: { name: 'dev' },
      owner,
      image: 'ghcr.io/butlerlabs/workspace:1.0',
    },
    status: { phase: 'Running', podName: `${name}-pod` },
  };
}

function tenantCluster(namespace: string): ButlerTestObject {
  return {
    apiVersion: API,
    kind: 'TenantCluster',
    metadata: { name: 'dev', namespace },
    spec: { kubernetesVersion: 'v1.31.4', workers: { replicas: 1 } },
    status: { phase: 'Ready', kubeconfigSecretRef: { name: 'dev-kubeconfig' } },
  };
}

/** Backstage's mock auth, keeping the actor of on-behalf-of tokens as the real one does. */
const authWithActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(inner), {
      async authenticate(token: string, options?: any) {
        const credentials = await inner.authenticate(token, options);
        const prefix = 'mock-service-token:';
        if (token.startsWith(prefix)) {
          const { sub, obo } = JSON.parse(token.slice(prefix.length));
          if (obo)
            return mockCredentials.user(obo, { actor: { subject: sub } });
        }
        return credentials;
      },
    });
  },
});

/**
 * A policy of the test's own, for decisions the portal's policy never makes (it allows a team's
 * members to read a target and open its terminal alike): the answer per permission and user, an
 * ALLOW, a DENY or the permission's condition, as the permission backend would pass it on.
 */
export type TestPolicy = (
  permission: string,
  userEntityRef: string,
) =>
  | AuthorizeResult.ALLOW
  | AuthorizeResult.DENY
  | PermissionCriteria<PermissionCondition>;

/** The permissions service every plugin of the backend asks, answering from `policy`. */
function permissionsFrom(policy: TestPolicy) {
  const decide = (
    permission: Permission,
    credentials: BackstageCredentials,
  ): PolicyDecision => {
    const ref = (credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    if (!ref) return { result: AuthorizeResult.DENY };
    const answer = policy(permission.name, ref);
    if (typeof answer !== 'object') return { result: answer };
    if (!isResourcePermission(permission)) {
      return { result: AuthorizeResult.DENY };
    }
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'butler',
      resourceType: permission.resourceType,
      conditions: answer,
    };
  };
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => ({
      async authorize(requests: any[], options: any) {
        return requests.map(r => {
          const d = decide(r.permission, options.credentials);
          // no resource in hand here: a condition does not allow
          return {
            result:
              d.result === AuthorizeResult.ALLOW
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }) as any;
      },
      async authorizeConditional(requests: any[], options: any) {
        return requests.map(r =>
          decide(r.permission, options.credentials),
        ) as any;
      },
    }),
  });
}

export interface AuditRecord {
  options: AuditorServiceCreateEventOptions;
  outcome?: { kind: 'success' | 'fail'; meta?: Record<string, unknown> };
}

async function seedClusters(kube: KubeTestApiServerHandle) {
  const client = butlerClient(kube.kubeconfig);
  for (const object of [
    team('team-a', {
      namespace: 'team-a',
      members: [
        { email: 'alice@example.com', role: 'admin' },
        { email: 'otto@example.com', role: 'operator' },
        { email: 'vera@example.com', role: 'viewer' },
        { email: 'mallory@example.com', role: 'operator' },
      ],
    }),
    team('team-b', {
      namespace: 'team-b',
      members: [{ email: 'bob@example.com', role: 'admin' }],
    }),
    user('alice', 'alice@example.com'),
    user('otto', 'otto@example.com'),
    user('vera', 'vera@example.com'),
    user('bob', 'bob@example.com'),
    user('mallory', 'mallory@example.com', { disabled: true }),
    tenantCluster('team-a'),
    tenantCluster('team-b'),
    workspace('team-a', 'alice-dev', 'alice@example.com'),
    workspace('team-b', 'bob-dev', 'bob@example.com'),
  ]) {
    await client.create(object);
  }
  const core = kube.kubeconfig.makeApiClient(CoreV1Api);
  for (const ns of ['team-a', 'team-b']) {
    // the tenant cluster is the same test server: its kubeconfig, as Cluster API stores it
    await core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 'dev-kubeconfig' },
        data: { value: Buffer.from(kube.kubeconfigYaml).toString('base64') },
      },
    });
  }
  for (const pod of ['alice-dev-pod', 'bob-dev-pod']) {
    await core.createNamespacedPod({
      namespace: 'workspaces',
      body: {
        metadata: { name: pod },
        spec: {
          containers: [
            { name: 'workspace', image: 'ghcr.io/butlerlabs/workspace:1.0' },
          ],
        },
      },
    });
  }
  await core.createNamespacedPod({
    namespace: APP_POD.namespace,
    body: {
      metadata: {
        name: APP_POD.name,
        annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
      },
      spec: {
        containers: APP_POD.containers.map(name => ({
          name,
          image: `example/${name}:1`,
        })),
      },
    },
  });
}

export async function startTerminalBackend(
  terminal: { [key: string]: number | string | string[] } = {},
  shared: {
    /** the database of the terminal plugin (default: an in-memory SQLite of its own) */
    knex?: Knex;
    /** the test API server of another backend: a second replica */
    kube?: KubeTestApiServerHandle;
    /** instead of the permission backend with the portal's policy */
    policy?: TestPolicy;
  } = {},
) {
  let kube = shared.kube;
  if (!kube) {
    kube = await startKubeTestApiServer({
      crds: loadButlerCrds([
        ...INVENTORY_CRDS,
        'workspaces.butler.butlerlabs.dev',
      ]),
      namespaces: [
        'default',
        'team-a',
        'team-b',
        'workspaces',
        APP_POD.namespace,
      ],
    });
    await seedClusters(kube);
  }
  const ownKube = !shared.kube;
  const dir = createMockDirectory({
    content: { 'kubeconfig.yaml': kube.kubeconfigYaml },
  });
  const audits: AuditRecord[] = [];
  const auditor = createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: () => ({
      async createEvent(options: AuditorServiceCreateEventOptions) {
        const record: AuditRecord = { options };
        audits.push(record);
        return {
          async success(o?: { meta?: any }) {
            record.outcome = { kind: 'success', meta: o?.meta };
          },
          async fail(o: { meta?: any }) {
            record.outcome = { kind: 'fail', meta: o.meta };
          },
        };
      },
    }),
  });
  const backend = await startTestBackend({
    features: [
      terminalPlugin,
      ...(shared.policy
        ? [permissionsFrom(shared.policy)]
        : [permissionPlugin, permissionModuleButler]),
      authWithActor,
      httpAuthServiceFactory,
      auditor,
      catalogServiceMock.factory({ entities: [] }),
      ...(shared.knex
        ? [mockServices.database.factory({ knex: shared.knex })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP_ORIGIN },
          permission: { enabled: true },
          butler: {
            managementCluster: {
              kubeconfigPath: `${dir.path}/kubeconfig.yaml`,
            },
            terminal,
          },
        },
      }),
    ],
  });
  const server = backend.server as Server;
  const { port } = server.address() as AddressInfo;
  return {
    kube,
    server,
    wsUrl: `ws://127.0.0.1:${port}/api/terminal/connect`,
    audits,
    as: (ref: string) => ({ Authorization: mockCredentials.user.header(ref) }),
    async stop() {
      await backend.stop();
      if (ownKube) await kube!.stop();
    },
  };
}
