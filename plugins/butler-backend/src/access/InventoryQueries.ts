/*
 * What one viewer may see of the inventory. Every answer about clusters, addons and teams goes
 * through here, so "a member of team A never sees team B's clusters or addons" holds for every
 * route by construction: a cluster is visible when its team is one of the viewer's (platform
 * admins: every cluster); an addon when its cluster's team is (or, for an addon whose cluster is
 * not there, the team owning its namespace). Something not visible is "not found", so that
 * names of other teams' clusters do not leak through the difference between 403 and 404.
 */
import type {
  AddonDefinitionInfo,
  ButlerMe,
  InventoryChangeEvent,
  TeamInfo,
  TenantAddonInfo,
  TenantClusterDetail,
  TenantClusterSummary,
} from '@butler-portal/plugin-butler-common';
import {
  teamOfCluster,
  type ButlerInventory,
  type ButlerObject,
  toAddonDefinition,
  toAddonInfo,
  toClusterDetail,
  toClusterSummary,
  toTeamInfo,
  toUserInfo,
} from '@butler-portal/plugin-butler-node';
import type { Viewer } from './viewer';

export interface ClusterFilter {
  team?: string;
  phase?: string;
  namespace?: string;
}

export class InventoryQueries {
  constructor(private readonly inventory: ButlerInventory) {}

  /** namespace → team, from Team status.namespace */
  #namespaces(): Map<string, string> {
    const map = new Map<string, string>();
    for (const team of this.inventory.list('Team')) {
      const ns = team.status?.namespace;
      if (typeof ns === 'string' && ns) map.set(ns, team.metadata.name);
    }
    return map;
  }

  #teamOf(cluster: ButlerObject, namespaces: Map<string, string>) {
    return teamOfCluster(cluster, ns => namespaces.get(ns));
  }

  #sees(viewer: Viewer, team: string | undefined): boolean {
    return viewer.platformAdmin || (!!team && viewer.teams.has(team));
  }

  /** The team an addon belongs to: its cluster's, else its namespace's. */
  #teamOfAddon(
    addon: ButlerObject,
    namespaces: Map<string, string>,
  ): string | undefined {
    const ns = addon.metadata.namespace;
    const clusterName = addon.spec?.clusterRef?.name;
    const cluster =
      typeof clusterName === 'string'
        ? this.inventory.get('TenantCluster', clusterName, ns)
        : undefined;
    if (cluster) return this.#teamOf(cluster, namespaces);
    return ns ? namespaces.get(ns) : undefined;
  }

  clusters(viewer: Viewer, filter: ClusterFilter = {}): TenantClusterSummary[] {
    const namespaces = this.#namespaces();
    const addons = this.inventory.list('TenantAddon');
    const byNamespace = new Map<string, ButlerObject[]>();
    for (const a of addons) {
      const ns = a.metadata.namespace ?? '';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), a]);
    }
    const out: TenantClusterSummary[] = [];
    for (const cluster of this.inventory.list(
      'TenantCluster',
      filter.namespace,
    )) {
      const team = this.#teamOf(cluster, namespaces);
      if (!this.#sees(viewer, team)) continue;
      if (filter.team && team !== filter.team) continue;
      if (filter.phase && cluster.status?.phase !== filter.phase) continue;
      out.push(
        toClusterSummary(
          cluster,
          team,
          byNamespace.get(cluster.metadata.namespace ?? '') ?? [],
        ),
      );
    }
    return out;
  }

  cluster(
    viewer: Viewer,
    namespace: string,
    name: string,
  ): TenantClusterDetail | undefined {
    const cluster = this.inventory.get('TenantCluster', name, namespace);
    if (!cluster) return undefined;
    const team = this.#teamOf(cluster, this.#namespaces());
    if (!this.#sees(viewer, team)) return undefined;
    return toClusterDetail(
      cluster,
      team,
      this.inventory.list('TenantAddon', namespace),
    );
  }

  addons(
    viewer: Viewer,
    filter: { namespace?: string; cluster?: string } = {},
  ): TenantAddonInfo[] {
    const namespaces = this.#namespaces();
    return this.inventory
      .list('TenantAddon', filter.namespace)
      .filter(
        a => !filter.cluster || a.spec?.clusterRef?.name === filter.cluster,
      )
      .filter(a => this.#sees(viewer, this.#teamOfAddon(a, namespaces)))
      .map(toAddonInfo);
  }

  addon(
    viewer: Viewer,
    namespace: string,
    name: string,
  ): TenantAddonInfo | undefined {
    const addon = this.inventory.get('TenantAddon', name, namespace);
    if (!addon) return undefined;
    return this.#sees(viewer, this.#teamOfAddon(addon, this.#namespaces()))
      ? toAddonInfo(addon)
      : undefined;
  }

  /** The addon catalog is the platform's offer, the same for everyone who may read addons. */
  addonDefinitions(): AddonDefinitionInfo[] {
    return this.inventory.list('AddonDefinition').map(toAddonDefinition);
  }

  #usersByEmail(): Map<string, ButlerObject> {
    const map = new Map<string, ButlerObject>();
    for (const u of this.inventory.list('User')) {
      if (typeof u.spec?.email === 'string') {
        map.set(u.spec.email.toLowerCase(), u);
      }
    }
    return map;
  }

  #clustersByTeam(): Map<string, ButlerObject[]> {
    const namespaces = this.#namespaces();
    const map = new Map<string, ButlerObject[]>();
    for (const c of this.inventory.list('TenantCluster')) {
      const team = this.#teamOf(c, namespaces);
      if (team) map.set(team, [...(map.get(team) ?? []), c]);
    }
    return map;
  }

  teams(viewer: Viewer): TeamInfo[] {
    const users = this.#usersByEmail();
    const clusters = this.#clustersByTeam();
    return this.inventory
      .list('Team')
      .filter(t => this.#sees(viewer, t.metadata.name))
      .map(t =>
        toTeamInfo(
          t,
          users,
          clusters.get(t.metadata.name) ?? [],
          viewer.teams.get(t.metadata.name),
        ),
      );
  }

  team(viewer: Viewer, name: string): TeamInfo | undefined {
    const team = this.inventory.get('Team', name);
    if (!team || !this.#sees(viewer, name)) return undefined;
    return toTeamInfo(
      team,
      this.#usersByEmail(),
      this.#clustersByTeam().get(name) ?? [],
      viewer.teams.get(name),
    );
  }

  me(viewer: Viewer): ButlerMe {
    return {
      ...(viewer.user && { user: toUserInfo(viewer.user) }),
      platformAdmin: viewer.platformAdmin,
      teams: [...viewer.teams]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, role]) => ({ name, role })),
    };
  }

  /**
   * Whether a change event may be told to this viewer. A deleted object is judged by its last
   * state (the informer hands it over), so a deletion is told to whoever saw the object.
   */
  mayKnow(viewer: Viewer, kind: string, object: ButlerObject): boolean {
    switch (kind) {
      case 'TenantCluster':
        return this.#sees(viewer, this.#teamOf(object, this.#namespaces()));
      case 'TenantAddon':
        return this.#sees(
          viewer,
          this.#teamOfAddon(object, this.#namespaces()),
        );
      case 'Team':
        return this.#sees(viewer, object.metadata.name);
      case 'AddonDefinition':
        return true;
      // a User change can change what the viewer sees (admin, membership): tell only them
      case 'User':
        return viewer.user?.metadata.name === object.metadata.name;
      default:
        return false;
    }
  }

  /** The event as sent to the viewer. */
  static eventOf(
    kind: InventoryChangeEvent['kind'],
    type: InventoryChangeEvent['type'],
    object: ButlerObject,
  ): InventoryChangeEvent {
    return {
      kind,
      type,
      ...(object.metadata.namespace && {
        namespace: object.metadata.namespace,
      }),
      name: object.metadata.name,
    };
  }
}
