/*
 * A breach of the team's resourceLimits is found before submit and names the limit.
 */
import type {
  AddonDefinitionInfo,
  TeamInfo,
} from '@butler-portal/plugin-butler-common';
import { addonRefusal, clusterLimitIssues } from './limits';

const team: TeamInfo = {
  name: 'team-a',
  members: [],
  groups: [],
  limits: {
    maxClusters: 2,
    maxNodesPerCluster: 5,
    maxTotalNodes: 8,
    allowedKubernetesVersions: ['v1.30.8', 'v1.31.4'],
    deniedAddons: ['kube-bench'],
  },
  usage: { clusters: 2, workerNodes: 6 },
  clusters: ['team-a/a-dev', 'team-a/a-prod'],
};
const others = [
  { namespace: 'team-a', name: 'a-dev', replicas: 3 },
  { namespace: 'team-a', name: 'a-prod', replicas: 3 },
];

describe('clusterLimitIssues', () => {
  it('accepts a change within every limit', () => {
    expect(
      clusterLimitIssues(
        {
          namespace: 'team-a',
          name: 'a-dev',
          replicas: 4,
          kubernetesVersion: 'v1.31.4',
        },
        team,
        others,
        { creating: false },
      ),
    ).toEqual([]);
  });

  it('names each limit a change breaches', () => {
    expect(
      clusterLimitIssues(
        {
          namespace: 'team-a',
          name: 'a-dev',
          replicas: 6,
          kubernetesVersion: 'v1.32.0',
        },
        team,
        others,
        { creating: false },
      ),
    ).toEqual([
      'Kubernetes v1.32.0 is not allowed for team team-a (allowedKubernetesVersions: v1.30.8, v1.31.4)',
      "6 workers exceed team team-a's maxNodesPerCluster of 5",
      "9 workers across the team's clusters exceed team team-a's maxTotalNodes of 8",
    ]);
  });

  it('counts a new cluster against maxClusters', () => {
    expect(
      clusterLimitIssues(
        {
          namespace: 'team-a',
          name: 'a-new',
          replicas: 1,
          kubernetesVersion: 'v1.31.4',
        },
        team,
        others,
        { creating: true },
      ),
    ).toEqual(['team team-a already has 2 clusters (maxClusters: 2)']);
  });
});

describe('addonRefusal', () => {
  const def = (name: string, platform = false): AddonDefinitionInfo => ({
    name,
    displayName: name,
    description: '',
    category: 'observability',
    platform,
    chart: {
      name,
      repository: 'https://charts.example.com',
      availableVersions: [],
    },
    dependsOn: [],
  });

  it('refuses platform addons with the reason, and denied or not allowed addons naming the limit', () => {
    expect(addonRefusal(def('cilium', true), team)).toMatch(
      /platform addon.*cannot be installed or removed here/,
    );
    expect(addonRefusal(def('kube-bench'), team)).toBe(
      'kube-bench is denied for team team-a (deniedAddons)',
    );
    expect(
      addonRefusal(def('loki'), {
        ...team,
        limits: { allowedAddons: ['prometheus'] },
      }),
    ).toBe("loki is not among team team-a's allowedAddons (prometheus)");
    expect(addonRefusal(def('prometheus'), team)).toBeUndefined();
  });
});
