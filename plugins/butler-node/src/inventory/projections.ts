/*
 * The live objects as the REST contract shows them (butler-common's inventory types). Values a
 * CRD enum does not know are left out rather than passed on, and nothing of `status` that only
 * the controller needs (secret refs, invite hashes) leaves the backend.
 */
import {
  TEAM_ROLES,
  TENANT_CLUSTER_PHASES,
  type AddonDefinitionInfo,
  type ButlerCondition,
  type ObservedAddon,
  type TeamInfo,
  type TeamLimits,
  type TeamRole,
  type TenantAddonInfo,
  type TenantAddonPhase,
  type TenantClusterDetail,
  type TenantClusterSummary,
  type UserInfo,
} from '@butler-portal/plugin-butler-common';
import type { ButlerObject } from '../informers/KindInformer';

const ADDON_PHASES: readonly TenantAddonPhase[] = [
  'Pending',
  'Installing',
  'Installed',
  'Upgrading',
  'Degraded',
  'Failed',
  'Deleting',
];
const OBSERVED_ADDON_STATUS = [
  'Pending',
  'Installing',
  'Healthy',
  'Degraded',
  'Failed',
] as const;
const MANAGED_BY = ['butler', 'flux', 'argocd', 'manual'] as const;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const oneOf = <T extends string>(
  values: readonly T[],
  v: unknown,
): T | undefined => (values.includes(v as T) ? (v as T) : undefined);
const quantity = (v: unknown): string | undefined =>
  typeof v === 'number' ? String(v) : str(v);
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v)
    ? v.filter((s): s is string => typeof s === 'string')
    : undefined;

export function conditionsOf(object: ButlerObject): ButlerCondition[] {
  const list = object.status?.conditions;
  if (!Array.isArray(list)) return [];
  return list
    .filter(c => c && typeof c.type === 'string')
    .map(c => ({
      type: c.type,
      status:
        oneOf(['True', 'False', 'Unknown'] as const, c.status) ?? 'Unknown',
      ...(str(c.reason) && { reason: c.reason }),
      ...(str(c.message) && { message: c.message }),
      ...(str(c.lastTransitionTime) && {
        lastTransitionTime: c.lastTransitionTime,
      }),
    }));
}

/** `Ready=False (Reason): message` of the condition that says why, when one does. */
function whyNotReady(conditions: ButlerCondition[]): string | undefined {
  const c =
    conditions.find(x => x.type === 'Ready' && x.status !== 'True') ??
    conditions.find(x => x.status === 'False' && x.message);
  if (!c) return undefined;
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${
    c.message ? `: ${c.message}` : ''
  }`;
}

/** The Team a cluster belongs to: spec.teamRef, else the Team whose namespace holds it. */
export function teamOfCluster(
  cluster: ButlerObject,
  teamOfNamespace: (namespace: string) => string | undefined,
): string | undefined {
  return (
    str(cluster.spec?.teamRef?.name) ??
    (cluster.metadata.namespace
      ? teamOfNamespace(cluster.metadata.namespace)
      : undefined)
  );
}

export function toAddonInfo(addon: ButlerObject): TenantAddonInfo {
  const spec = addon.spec ?? {};
  const status = addon.status ?? {};
  return {
    namespace: addon.metadata.namespace ?? '',
    name: addon.metadata.name,
    cluster: str(spec.clusterRef?.name) ?? '',
    ...(str(spec.addon) && { addon: spec.addon }),
    ...(str(spec.helm?.chart) && { chart: spec.helm.chart }),
    ...(str(spec.version) && { version: spec.version }),
    ...(oneOf(ADDON_PHASES, status.phase) && { phase: status.phase }),
    ...(str(status.installedVersion) && {
      installedVersion: status.installedVersion,
    }),
    ...(str(status.message) && { message: status.message }),
    conditions: conditionsOf(addon),
  };
}

function observedAddons(observed: Record<string, any>): ObservedAddon[] {
  if (!Array.isArray(observed.addons)) return [];
  return observed.addons
    .filter(a => a && typeof a.name === 'string')
    .map(a => ({
      name: a.name,
      ...(str(a.version) && { version: a.version }),
      ...(oneOf(OBSERVED_ADDON_STATUS, a.status) && { status: a.status }),
      ...(oneOf(MANAGED_BY, a.managedBy) && { managedBy: a.managedBy }),
    }));
}

export function toClusterSummary(
  cluster: ButlerObject,
  team: string | undefined,
  addons: ButlerObject[],
): TenantClusterSummary {
  const spec = cluster.spec ?? {};
  const status = cluster.status ?? {};
  const observed: Record<string, any> = status.observedState ?? {};
  const conditions = conditionsOf(cluster);
  const phase = oneOf(TENANT_CLUSTER_PHASES, status.phase);
  const message = phase === 'Ready' ? undefined : whyNotReady(conditions);
  return {
    namespace: cluster.metadata.namespace ?? '',
    name: cluster.metadata.name,
    ...(team && { team }),
    ...(phase && { phase }),
    ...(str(spec.kubernetesVersion) && {
      kubernetesVersion: spec.kubernetesVersion,
    }),
    ...(str(observed.kubernetesVersion) && {
      observedKubernetesVersion: observed.kubernetesVersion,
    }),
    ...(str(status.controlPlaneEndpoint) && {
      endpoint: status.controlPlaneEndpoint,
    }),
    workers: {
      // desired: what Git asked for; the controller's own count when it reports one
      desired: num(observed.workers?.desired) ?? num(spec.workers?.replicas),
      ...(num(observed.workers?.ready) !== undefined && {
        ready: observed.workers.ready,
      }),
    },
    observedAddons: observedAddons(observed),
    tenantAddons: addons
      .filter(a => a.spec?.clusterRef?.name === cluster.metadata.name)
      .map(toAddonInfo),
    conditions,
    ...(message && { message }),
    ...(num(cluster.metadata.generation) !== undefined && {
      generation: cluster.metadata.generation,
    }),
    ...(num(status.observedGeneration) !== undefined && {
      observedGeneration: status.observedGeneration,
    }),
    ...(str(cluster.metadata.creationTimestamp) && {
      creationTimestamp: cluster.metadata.creationTimestamp,
    }),
  };
}

export function toClusterDetail(
  cluster: ButlerObject,
  team: string | undefined,
  addons: ButlerObject[],
): TenantClusterDetail {
  const observed: Record<string, any> = cluster.status?.observedState ?? {};
  const nodes: string[] = Array.isArray(observed.workers?.nodes)
    ? observed.workers.nodes.filter((n: unknown) => typeof n === 'string')
    : [];
  return {
    ...toClusterSummary(cluster, team, addons),
    spec: cluster.spec ?? {},
    observedState: observed,
    nodes,
  };
}

export function toAddonDefinition(def: ButlerObject): AddonDefinitionInfo {
  const spec = def.spec ?? {};
  return {
    name: def.metadata.name,
    displayName: str(spec.displayName) ?? def.metadata.name,
    description: str(spec.description) ?? '',
    category: str(spec.category) ?? 'other',
    platform: spec.platform === true,
    chart: {
      name: str(spec.chart?.name) ?? '',
      repository: str(spec.chart?.repository) ?? '',
      ...(str(spec.chart?.defaultVersion) && {
        defaultVersion: spec.chart.defaultVersion,
      }),
      availableVersions: strings(spec.chart?.availableVersions) ?? [],
    },
    ...(spec.defaults?.values !== undefined && {
      defaultValues: spec.defaults.values,
    }),
    dependsOn: strings(spec.dependsOn) ?? [],
    ...(spec.links &&
      typeof spec.links === 'object' && {
        links: Object.fromEntries(
          Object.entries(spec.links).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>,
      }),
  };
}

export function toUserInfo(user: ButlerObject): UserInfo {
  const spec = user.spec ?? {};
  return {
    name: user.metadata.name,
    email: str(spec.email) ?? '',
    ...(str(spec.displayName) && { displayName: spec.displayName }),
    platformAdmin: isPlatformAdmin(user),
    disabled: spec.disabled === true,
  };
}

/** `spec.isPlatformAdmin` or `spec.platformRole: admin` (the User CRD: the higher of the two). */
export function isPlatformAdmin(user: ButlerObject): boolean {
  return (
    user.spec?.disabled !== true &&
    (user.spec?.isPlatformAdmin === true || user.spec?.platformRole === 'admin')
  );
}

export function roleOf(value: unknown): TeamRole {
  // the CRD's default is viewer
  return oneOf(TEAM_ROLES, value) ?? 'viewer';
}

export function teamLimits(team: ButlerObject): TeamLimits {
  const l = team.spec?.resourceLimits ?? {};
  return {
    ...(num(l.maxClusters) !== undefined && { maxClusters: l.maxClusters }),
    ...(num(l.maxNodesPerCluster) !== undefined && {
      maxNodesPerCluster: l.maxNodesPerCluster,
    }),
    ...(num(l.maxTotalNodes) !== undefined && {
      maxTotalNodes: l.maxTotalNodes,
    }),
    ...(quantity(l.maxCPUCores) && { maxCPUCores: quantity(l.maxCPUCores) }),
    ...(quantity(l.maxMemory) && { maxMemory: quantity(l.maxMemory) }),
    ...(quantity(l.maxStorage) && { maxStorage: quantity(l.maxStorage) }),
    ...(strings(l.allowedKubernetesVersions) && {
      allowedKubernetesVersions: strings(l.allowedKubernetesVersions),
    }),
    ...(strings(l.allowedAddons) && {
      allowedAddons: strings(l.allowedAddons),
    }),
    ...(strings(l.deniedAddons) && { deniedAddons: strings(l.deniedAddons) }),
  };
}

export function toTeamInfo(
  team: ButlerObject,
  usersByEmail: Map<string, ButlerObject>,
  clusters: ButlerObject[],
  myRole: TeamRole | undefined,
): TeamInfo {
  const spec = team.spec ?? {};
  const access = spec.access ?? {};
  const members = (Array.isArray(access.users) ? access.users : [])
    .filter((u: any) => typeof u?.name === 'string')
    .map((u: any) => {
      const user = usersByEmail.get(u.name.toLowerCase());
      return {
        name: u.name,
        role: roleOf(u.role),
        ...(user && { user: user.metadata.name }),
        ...(str(user?.spec?.displayName) && {
          displayName: user!.spec!.displayName,
        }),
      };
    });
  const groups = (Array.isArray(access.groups) ? access.groups : [])
    .filter((g: any) => typeof g?.name === 'string')
    .map((g: any) => ({ name: g.name, role: roleOf(g.role) }));
  return {
    name: team.metadata.name,
    ...(str(spec.displayName) && { displayName: spec.displayName }),
    ...(str(spec.description) && { description: spec.description }),
    ...(str(team.status?.namespace) && { namespace: team.status!.namespace }),
    members,
    groups,
    limits: teamLimits(team),
    usage: {
      clusters: clusters.length,
      workerNodes: clusters.reduce(
        (sum, c) => sum + (num(c.spec?.workers?.replicas) ?? 0),
        0,
      ),
    },
    clusters: clusters.map(c => `${c.metadata.namespace}/${c.metadata.name}`),
    ...(myRole && { myRole }),
  };
}
