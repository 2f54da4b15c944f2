/*
 * Realistic Butler objects for tests, seeding and the benchmark: Teams with members and limits,
 * Users, AddonDefinitions, TenantClusters and TenantAddons with the `status` their controllers
 * write (values from the CRDs in vendor/butler-crds). Plus a client for any Butler kind, as
 * another actor (kubectl, a controller) uses the cluster.
 */
import {
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  BUTLER_GROUP,
  BUTLER_RESOURCES,
  BUTLER_VERSION,
  type ButlerKind,
} from '@butler-portal/kube-node';

const API_VERSION = `${BUTLER_GROUP}/${BUTLER_VERSION}`;
const NOW = '2026-01-05T10:00:00Z';

export const INVENTORY_CRDS = [
  'tenantclusters.butler.butlerlabs.dev',
  'tenantaddons.butler.butlerlabs.dev',
  'addondefinitions.butler.butlerlabs.dev',
  'teams.butler.butlerlabs.dev',
  'users.butler.butlerlabs.dev',
];

export interface ButlerTestObject {
  apiVersion: string;
  kind: ButlerKind;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  spec: Record<string, any>;
  status?: Record<string, any>;
}

export function team(
  name: string,
  options: {
    members?: Array<{ email: string; role?: 'admin' | 'operator' | 'viewer' }>;
    groups?: Array<{ name: string; role?: 'admin' | 'operator' | 'viewer' }>;
    namespace?: string;
    limits?: Record<string, unknown>;
  } = {},
): ButlerTestObject {
  return {
    apiVersion: API_VERSION,
    kind: 'Team',
    metadata: { name },
    spec: {
      displayName: `Team ${name}`,
      description: `The ${name} team's clusters`,
      access: {
        users: (options.members ?? []).map(m => ({
          name: m.email,
          role: m.role ?? 'viewer',
        })),
        ...(options.groups && {
          groups: options.groups.map(g => ({
            name: g.name,
            role: g.role ?? 'viewer',
          })),
        }),
      },
      resourceLimits: options.limits ?? {
        maxClusters: 5,
        maxNodesPerCluster: 10,
        maxTotalNodes: 30,
        allowedKubernetesVersions: ['v1.30.8', 'v1.31.4'],
      },
    },
    status: {
      phase: 'Ready',
      namespace: options.namespace ?? name,
      observedGeneration: 1,
    },
  };
}

export function user(
  name: string,
  email: string,
  options: { admin?: boolean; disabled?: boolean } = {},
): ButlerTestObject {
  return {
    apiVersion: API_VERSION,
    kind: 'User',
    metadata: { name },
    spec: {
      email,
      displayName: name
        .split('-')
        .map(p => p[0].toUpperCase() + p.slice(1))
        .join(' '),
      authType: 'sso',
      ...(options.admin && { isPlatformAdmin: true }),
      ...(options.disabled && { disabled: true }),
    },
    status: { phase: options.disabled ? 'Disabled' : 'Active', loginCount: 3 },
  };
}

export function addonDefinition(
  name: string,
  options: { platform?: boolean; category?: string } = {},
): ButlerTestObject {
  return {
    apiVersion: API_VERSION,
    kind: 'AddonDefinition',
    metadata: { name },
    spec: {
      displayName: name,
      description: `${name}, packaged for Butler tenant clusters`,
      category: options.category ?? 'observability',
      platform: options.platform ?? false,
      chart: {
        name,
        repository: `https://charts.example.com/${name}`,
        defaultVersion: '1.2.0',
        availableVersions: ['1.1.0', '1.2.0'],
      },
      defaults: { namespace: name, values: { replicas: 1 } },
    },
  };
}

export function tenantCluster(
  namespace: string,
  name: string,
  options: {
    team?: string;
    phase?: string;
    replicas?: number;
    ready?: number;
    version?: string;
  } = {},
): ButlerTestObject {
  const replicas = options.replicas ?? 3;
  const ready = options.ready ?? replicas;
  const phase = options.phase ?? 'Ready';
  const version = options.version ?? 'v1.31.4';
  return {
    apiVersion: API_VERSION,
    kind: 'TenantCluster',
    metadata: { name, namespace },
    spec: {
      kubernetesVersion: version,
      ...(options.team && { teamRef: { name: options.team } }),
      workers: { replicas },
    },
    status: {
      phase,
      observedGeneration: 1,
      controlPlaneEndpoint: `https://${name}.${namespace}.k8s.example.com:6443`,
      tenantNamespace: `${namespace}-${name}`,
      conditions: [
        {
          type: 'Ready',
          status: phase === 'Ready' ? 'True' : 'False',
          reason: phase === 'Ready' ? 'ClusterReady' : 'WorkersNotReady',
          message:
            phase === 'Ready'
              ? 'control plane and workers are ready'
              : `${ready}/${replicas} workers ready`,
          lastTransitionTime: NOW,
        },
      ],
      observedState: {
        kubernetesVersion: version,
        workers: {
          desired: replicas,
          ready,
          nodes: Array.from({ length: ready }, (_, i) => `${name}-worker-${i}`),
        },
        addons: [
          {
            name: 'cilium',
            version: '1.16.5',
            status: 'Healthy',
            managedBy: 'butler',
          },
        ],
      },
    },
  };
}

export function tenantAddon(
  namespace: string,
  name: string,
  cluster: string,
  options: { phase?: string; version?: string } = {},
): ButlerTestObject {
  const version = options.version ?? '1.2.0';
  return {
    apiVersion: API_VERSION,
    kind: 'TenantAddon',
    metadata: { name, namespace },
    spec: { clusterRef: { name: cluster }, addon: name, version },
    status: {
      phase: options.phase ?? 'Installed',
      installedVersion: version,
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'InstallSucceeded',
          message: `Helm release ${name} deployed`,
          lastTransitionTime: NOW,
        },
      ],
    },
  };
}

/** Create, patch, set status and delete any Butler kind, as another actor would. */
export function butlerClient(kubeConfig: KubeConfig) {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const at = (kind: ButlerKind) => ({
    group: BUTLER_GROUP,
    version: BUTLER_VERSION,
    plural: BUTLER_RESOURCES[kind].plural,
  });
  const client = {
    async create(object: ButlerTestObject): Promise<any> {
      const { status, ...body } = object;
      const r = BUTLER_RESOURCES[object.kind];
      const ns = object.metadata.namespace;
      const created = r.namespaced
        ? await api.createNamespacedCustomObject({
            ...at(object.kind),
            namespace: ns!,
            body,
          })
        : await api.createClusterCustomObject({ ...at(object.kind), body });
      if (status && r.statusSubresource) {
        return client.setStatus(object.kind, object.metadata.name, status, ns);
      }
      return created;
    },
    mergePatch(
      kind: ButlerKind,
      name: string,
      body: object,
      namespace?: string,
    ): Promise<any> {
      const opts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      return namespace
        ? api.patchNamespacedCustomObject(
            { ...at(kind), namespace, name, body },
            opts,
          )
        : api.patchClusterCustomObject({ ...at(kind), name, body }, opts);
    },
    setStatus(
      kind: ButlerKind,
      name: string,
      status: object,
      namespace?: string,
    ): Promise<any> {
      const opts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      const body = { status };
      return namespace
        ? api.patchNamespacedCustomObjectStatus(
            { ...at(kind), namespace, name, body },
            opts,
          )
        : api.patchClusterCustomObjectStatus({ ...at(kind), name, body }, opts);
    },
    delete(kind: ButlerKind, name: string, namespace?: string): Promise<any> {
      return namespace
        ? api.deleteNamespacedCustomObject({ ...at(kind), namespace, name })
        : api.deleteClusterCustomObject({ ...at(kind), name });
    },
  };
  return client;
}

/** Two teams with one member each, an admin, the addon catalog, clusters and addons. */
export function twoTeams(nsA = 'team-a', nsB = 'team-b') {
  return [
    team('team-a', {
      namespace: nsA,
      members: [{ email: 'alice@example.com', role: 'admin' }],
      groups: [{ name: 'sre', role: 'operator' }],
    }),
    team('team-b', {
      namespace: nsB,
      members: [{ email: 'bob@example.com', role: 'operator' }],
    }),
    user('alice', 'alice@example.com'),
    user('bob', 'bob@example.com'),
    user('root', 'root@example.com', { admin: true }),
    user('mallory', 'mallory@example.com', { disabled: true }),
    addonDefinition('prometheus'),
    addonDefinition('cilium', { platform: true, category: 'cni' }),
    tenantCluster(nsA, 'a-dev', { team: 'team-a' }),
    tenantCluster(nsA, 'a-prod', {
      team: 'team-a',
      phase: 'Provisioning',
      ready: 1,
    }),
    tenantCluster(nsB, 'b-dev', { team: 'team-b' }),
    tenantAddon(nsA, 'prometheus', 'a-dev'),
    tenantAddon(nsB, 'prometheus', 'b-dev'),
  ];
}
