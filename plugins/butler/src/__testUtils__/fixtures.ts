/*
 * Fakes of the butler and gitops APIs for the page tests, with the repo-layout example file.
 */
// a test on Node: it reads the repo-layout example users copy, comments and all
// eslint-disable-next-line no-restricted-imports
import fs from 'fs';
// eslint-disable-next-line no-restricted-imports
import path from 'path';
import type {
  InventoryStatus,
  TeamInfo,
  TenantClusterDetail,
} from '@butler-portal/plugin-butler-common';
import type { ResourceDetail } from '@butler-portal/plugin-gitops-common';
import { parse } from 'yaml';
import type { ButlerClustersApi } from '../api';
import { NOT_CONFIGURED } from './notConfigured';

export { NOT_CONFIGURED };

const EXAMPLE_PATH = 'tenant-clusters/team-a/team-a-dev.yaml';
export const EXAMPLE_YAML = fs.readFileSync(
  path.resolve(__dirname, '../../../../repo-layouts/platform', EXAMPLE_PATH),
  'utf8',
);

export function exampleFile(): ResourceDetail {
  return {
    repository: 'platform',
    kind: 'TenantCluster',
    namespace: 'team-a',
    name: 'team-a-dev',
    path: EXAMPLE_PATH,
    revision: 'c0ffee0000000000000000000000000000000000',
    object: parse(EXAMPLE_YAML),
    yaml: EXAMPLE_YAML,
    changes: [],
  };
}

export const TEAM_A: TeamInfo = {
  name: 'team-a',
  displayName: 'Team A',
  namespace: 'team-a',
  members: [
    {
      name: 'jane@example.com',
      role: 'admin',
      user: 'jane',
      displayName: 'Jane',
    },
  ],
  groups: [],
  limits: {
    maxNodesPerCluster: 6,
    maxTotalNodes: 10,
    allowedKubernetesVersions: ['v1.31.4', 'v1.32.1'],
  },
  usage: { clusters: 1, workerNodes: 3 },
  clusters: ['team-a/team-a-dev'],
  myRole: 'admin',
};

export function liveCluster(
  overrides: Partial<TenantClusterDetail> = {},
): TenantClusterDetail {
  return {
    namespace: 'team-a',
    name: 'team-a-dev',
    team: 'team-a',
    phase: 'Ready',
    kubernetesVersion: 'v1.31.4',
    observedKubernetesVersion: 'v1.31.4',
    endpoint: 'https://team-a-dev.example.com:6443',
    workers: { desired: 3, ready: 3 },
    observedAddons: [
      {
        name: 'cilium',
        version: '1.16.5',
        status: 'Healthy',
        managedBy: 'butler',
      },
    ],
    tenantAddons: [
      {
        namespace: 'team-a',
        name: 'cert-manager',
        cluster: 'team-a-dev',
        phase: 'Installed',
        installedVersion: 'v1.16.2',
        conditions: [],
      },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'ClusterReady',
        message: 'all good',
      },
    ],
    spec: parse(EXAMPLE_YAML).spec,
    observedState: {},
    nodes: [
      'team-a-dev-worker-0',
      'team-a-dev-worker-1',
      'team-a-dev-worker-2',
    ],
    ...overrides,
  };
}

const READY_STATUS: InventoryStatus = {
  configured: true,
  reachable: true,
  kinds: {
    TenantCluster: { synced: true, watching: true },
    TenantAddon: { synced: true, watching: true },
    AddonDefinition: { synced: true, watching: true },
    Team: { synced: true, watching: true },
    User: { synced: true, watching: true },
  },
};

export function mockClustersApi(
  options: { configured?: boolean } = {},
): jest.Mocked<ButlerClustersApi> {
  const configured = options.configured ?? true;
  return {
    getAvailability: jest
      .fn()
      .mockResolvedValue(
        configured
          ? { available: true, status: READY_STATUS }
          : { available: false, configured: false, reason: NOT_CONFIGURED },
      ),
    getMe: jest
      .fn()
      .mockResolvedValue({
        platformAdmin: false,
        teams: [{ name: 'team-a', role: 'admin' }],
      }),
    listClusters: jest
      .fn()
      .mockResolvedValue(configured ? [liveCluster()] : []),
    getCluster: jest.fn().mockResolvedValue(liveCluster()),
    listAddons: jest.fn().mockResolvedValue([]),
    listAddonDefinitions: jest.fn().mockResolvedValue([]),
    listTeams: jest.fn().mockResolvedValue(configured ? [TEAM_A] : []),
    downloadKubeconfig: jest.fn().mockResolvedValue({
      filename: 'team-a-dev-kubeconfig.yaml',
      content: new Blob(['apiVersion: v1\nkind: Config\n']),
    }),
    subscribe: jest.fn().mockReturnValue(() => {}),
  };
}
