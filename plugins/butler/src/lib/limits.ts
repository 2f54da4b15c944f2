/*
 * The team's limits (Team.spec.resourceLimits) checked before a change request is opened, so a
 * breach is shown before submit, naming the limit. The controller and its webhook remain the
 * authority; these checks only spare a reviewer a change that cannot be applied.
 */
import type {
  AddonDefinitionInfo,
  TeamInfo,
} from '@butler-portal/plugin-butler-common';

export interface ClusterShape {
  namespace: string;
  name: string;
  replicas: number;
  kubernetesVersion: string;
}

/**
 * Issues of a cluster (new or changed) against its team's limits; `others` are the team's other
 * clusters as they stand (their worker counts count toward maxTotalNodes).
 */
export function clusterLimitIssues(
  cluster: ClusterShape,
  team: TeamInfo,
  others: Array<{ namespace: string; name: string; replicas: number }>,
  options: { creating: boolean },
): string[] {
  const issues: string[] = [];
  const limits = team.limits;
  const allowed = limits.allowedKubernetesVersions;
  if (allowed?.length && !allowed.includes(cluster.kubernetesVersion)) {
    issues.push(
      `Kubernetes ${cluster.kubernetesVersion} is not allowed for team ${
        team.name
      } (allowedKubernetesVersions: ${allowed.join(', ')})`,
    );
  }
  if (
    limits.maxNodesPerCluster !== undefined &&
    limits.maxNodesPerCluster > 0 &&
    cluster.replicas > limits.maxNodesPerCluster
  ) {
    issues.push(
      `${cluster.replicas} workers exceed team ${team.name}'s maxNodesPerCluster of ${limits.maxNodesPerCluster}`,
    );
  }
  const rest = others.filter(
    o => !(o.namespace === cluster.namespace && o.name === cluster.name),
  );
  if (limits.maxTotalNodes !== undefined && limits.maxTotalNodes > 0) {
    const total =
      rest.reduce((sum, o) => sum + o.replicas, 0) + cluster.replicas;
    if (total > limits.maxTotalNodes) {
      issues.push(
        `${total} workers across the team's clusters exceed team ${team.name}'s maxTotalNodes of ${limits.maxTotalNodes}`,
      );
    }
  }
  if (
    options.creating &&
    limits.maxClusters !== undefined &&
    limits.maxClusters > 0 &&
    rest.length + 1 > limits.maxClusters
  ) {
    issues.push(
      `team ${team.name} already has ${rest.length} clusters (maxClusters: ${limits.maxClusters})`,
    );
  }
  return issues;
}

/** Why an addon may not be installed (or removed) from the portal, if it may not. */
export function addonRefusal(
  definition: AddonDefinitionInfo,
  team: TeamInfo | undefined,
): string | undefined {
  if (definition.platform) {
    return `${definition.displayName} is a platform addon: it is installed with every cluster and managed by the platform team (TenantCluster spec.addons), so it cannot be installed or removed here`;
  }
  const limits = team?.limits;
  if (limits?.deniedAddons?.includes(definition.name)) {
    return `${definition.displayName} is denied for team ${
      team!.name
    } (deniedAddons)`;
  }
  if (
    limits?.allowedAddons?.length &&
    !limits.allowedAddons.includes(definition.name)
  ) {
    return `${definition.displayName} is not among team ${
      team!.name
    }'s allowedAddons (${limits.allowedAddons.join(', ')})`;
  }
  return undefined;
}
