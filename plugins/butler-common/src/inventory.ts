/*
 * The REST contract of the butler backend for tenant clusters, addons, teams and users: what
 * the management cluster reports, kept by one watch per kind. Desired state is Git's (the
 * TenantCluster and TenantAddon files); these types are the live side shown next to it.
 */

/** TenantCluster `status.phase` values of the Butler CRD. */
export const TENANT_CLUSTER_PHASES = [
  'Pending',
  'Provisioning',
  'Installing',
  'Ready',
  'Updating',
  'Deleting',
  'Failed',
] as const;
export type TenantClusterPhase = (typeof TENANT_CLUSTER_PHASES)[number];

/** TenantAddon `status.phase` values of the Butler CRD. */
export type TenantAddonPhase =
  | 'Pending'
  | 'Installing'
  | 'Installed'
  | 'Upgrading'
  | 'Degraded'
  | 'Failed'
  | 'Deleting';

/** Roles of `Team.spec.access`, weakest first. */
export const TEAM_ROLES = ['viewer', 'operator', 'admin'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** The kinds the butler backend watches for this contract. */
export const INVENTORY_KINDS = [
  'TenantCluster',
  'TenantAddon',
  'AddonDefinition',
  'Team',
  'User',
] as const;
export type InventoryKind = (typeof INVENTORY_KINDS)[number];

export interface ButlerCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** One addon as the cluster controller observes it (`status.observedState.addons`). */
export interface ObservedAddon {
  name: string;
  version?: string;
  status?: 'Pending' | 'Installing' | 'Healthy' | 'Degraded' | 'Failed';
  managedBy?: 'butler' | 'flux' | 'argocd' | 'manual';
}

/** A TenantAddon with its live status. */
export interface TenantAddonInfo {
  namespace: string;
  name: string;
  /** `spec.clusterRef.name` */
  cluster: string;
  /** the Butler addon (`spec.addon`), or the Helm chart (`spec.helm.chart`) */
  addon?: string;
  chart?: string;
  version?: string;
  phase?: TenantAddonPhase;
  installedVersion?: string;
  message?: string;
  conditions: ButlerCondition[];
}

/** A TenantCluster as the dashboard lists it. */
export interface TenantClusterSummary {
  namespace: string;
  name: string;
  /** `spec.teamRef.name`, or the Team whose namespace holds the cluster */
  team?: string;
  phase?: TenantClusterPhase;
  /** the version asked for (`spec.kubernetesVersion`) */
  kubernetesVersion?: string;
  /** the version running (`status.observedState.kubernetesVersion`) */
  observedKubernetesVersion?: string;
  endpoint?: string;
  workers: { desired?: number; ready?: number };
  /** addons the controller reports (platform addons included) */
  observedAddons: ObservedAddon[];
  /** the TenantAddon objects of this cluster */
  tenantAddons: TenantAddonInfo[];
  conditions: ButlerCondition[];
  /** why the cluster is not Ready, from its conditions, when it is not */
  message?: string;
  generation?: number;
  observedGeneration?: number;
  creationTimestamp?: string;
}

/** `GET /clusters/:namespace/:name`: the summary with the full spec and observed state. */
export interface TenantClusterDetail extends TenantClusterSummary {
  spec: Record<string, unknown>;
  observedState: Record<string, unknown>;
  /** worker node names (`status.observedState.workers.nodes`) */
  nodes: string[];
}

/** An entry of the addon catalog (AddonDefinition, cluster-scoped). */
export interface AddonDefinitionInfo {
  name: string;
  displayName: string;
  description: string;
  category: string;
  /** installed with the cluster; cannot be installed or removed from the portal */
  platform: boolean;
  chart: {
    name: string;
    repository: string;
    defaultVersion?: string;
    availableVersions: string[];
  };
  defaultValues?: unknown;
  dependsOn: string[];
  links?: Record<string, string>;
}

export interface TeamMember {
  /** the user as Team.spec.access names them: an email address */
  name: string;
  role: TeamRole;
  /** the Butler User of that email, when there is one */
  user?: string;
  displayName?: string;
}

/** Team.spec.resourceLimits, as far as the portal checks them before a change request. */
export interface TeamLimits {
  maxClusters?: number;
  maxNodesPerCluster?: number;
  maxTotalNodes?: number;
  maxCPUCores?: string;
  maxMemory?: string;
  maxStorage?: string;
  allowedKubernetesVersions?: string[];
  allowedAddons?: string[];
  deniedAddons?: string[];
}

export interface TeamInfo {
  name: string;
  displayName?: string;
  description?: string;
  /** the team's namespace on the management cluster (`status.namespace`) */
  namespace?: string;
  members: TeamMember[];
  /** identity-provider groups with access */
  groups: Array<{ name: string; role: TeamRole }>;
  limits: TeamLimits;
  usage: { clusters: number; workerNodes: number };
  clusters: string[];
  /** the caller's role in this team; absent for platform admins who are not members */
  myRole?: TeamRole;
}

export interface UserInfo {
  name: string;
  email: string;
  displayName?: string;
  platformAdmin: boolean;
  disabled: boolean;
}

/** `GET /me`: who the caller is to Butler. */
export interface ButlerMe {
  /** the Butler User matched to the signed-in user, if any */
  user?: UserInfo;
  /** sees every team's clusters */
  platformAdmin: boolean;
  teams: Array<{ name: string; role: TeamRole }>;
}

/** Per-kind state of the watches, in `GET /inventory/status`. */
export interface KindWatchState {
  /** listed at least once: answers come from a complete copy (possibly a little stale) */
  synced: boolean;
  /** the watch is up now */
  watching: boolean;
  reason?: string;
}

export interface InventoryStatus {
  configured: boolean;
  /** every kind is synced and watched */
  reachable: boolean;
  reason?: string;
  kinds: Partial<Record<InventoryKind, KindWatchState>>;
}

/** `{ items }` answers. */
export interface ItemList<T> {
  items: T[];
}

/**
 * `GET /events` (server-sent events): one `change` event per object change the caller may see,
 * `{ kind, type, namespace?, name }`, and `status` events when a watch goes down or up.
 */
export interface InventoryChangeEvent {
  kind: InventoryKind;
  type: 'add' | 'update' | 'delete';
  namespace?: string;
  name: string;
}
