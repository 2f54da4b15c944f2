/*
 * The inventory as the routes answer it, each object with what the permission policy's
 * condition looks at: a cluster by its team (spec.teamRef, else the Team owning its namespace);
 * an addon by its cluster (its cluster's team, or for an addon whose cluster is not there, the
 * team owning its namespace); a team by its name. The routes apply the policy's read scope
 * (butler-node's readScope) to these before anything is projected or sent, so "a member of team A never
 * sees team B's clusters or addons" is the policy's decision, the same for every route. Something
 * out of scope is "not found", so that names of other teams' clusters do not leak through the
 * difference between 403 and 404.
 */
import type {
  AddonDefinitionInfo,
  ButlerClusterResource,
  ButlerMe,
  ButlerTeamResource,
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
  type Scope,
} from '@butler-portal/plugin-butler-node';
import type { Viewer } from './viewer';

export interface ClusterFilter {
  team?: string;
  phase?: string;
  namespace?: string;
}

/** An object as judged by the policy (`resource`), projected only once it is in scope. */
export interface Judged<R, T> {
  resource: R;
  item(): T;
}

/** Keeps what the scope allows (and is there) and projects it. */
export function inScope<R, T>(
  scope: Scope<R>,
  judged: ReadonlyArray<Judged<R, T> | undefined>,
): T[] {
  return judged
    .filter((j): j is Judged<R, T> => !!j && scope(j.resource))
    .map(j => j.item());
}

/** What the caller may read, one scope per permission (read routes and /events). */
export interface ReadScopes {
  cluster: Scope<ButlerClusterResource>;
  addon: Scope<ButlerClusterResource>;
  team: Scope<ButlerTeamResource>;
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

  #clusterResource(
    cluster: ButlerObject,
    namespaces: Map<string, string>,
  ): ButlerClusterResource {
    const team = teamOfCluster(cluster, ns => namespaces.get(ns));
    return {
      namespace: cluster.metadata.namespace ?? '',
      name: cluster.metadata.name,
      ...(team && { team }),
    };
  }

  /** An addon is judged as its cluster: its cluster's team, else its namespace's. */
  #addonResource(
    addon: ButlerObject,
    namespaces: Map<string, string>,
  ): ButlerClusterResource {
    const namespace = addon.metadata.namespace ?? '';
    const clusterName = addon.spec?.clusterRef?.name;
    const cluster =
      typeof clusterName === 'string'
        ? this.inventory.get('TenantCluster', clusterName, namespace)
        : undefined;
    if (cluster) return this.#clusterResource(cluster, namespaces);
    const team = namespaces.get(namespace);
    return {
      namespace,
      name: typeof clusterName === 'string' ? clusterName : '',
      ...(team && { team }),
    };
  }

  clusters(
    filter: ClusterFilter = {},
  ): Judged<ButlerClusterResource, TenantClusterSummary>[] {
    const namespaces = this.#namespaces();
    const byNamespace = new Map<string, ButlerObject[]>();
    for (const a of this.inventory.list('TenantAddon')) {
      const ns = a.metadata.namespace ?? '';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), a]);
    }
    return this.inventory
      .list('TenantCluster', filter.namespace)
      .map(cluster => ({
        cluster,
        resource: this.#clusterResource(cluster, namespaces),
      }))
      .filter(
        ({ cluster, resource }) =>
          (!filter.team || resource.team === filter.team) &&
          (!filter.phase || cluster.status?.phase === filter.phase),
      )
      .map(({ cluster, resource }) => ({
        resource,
        item: () =>
          toClusterSummary(
            cluster,
            resource.team,
            byNamespace.get(resource.namespace) ?? [],
          ),
      }));
  }

  cluster(
    namespace: string,
    name: string,
  ): Judged<ButlerClusterResource, TenantClusterDetail> | undefined {
    const cluster = this.inventory.get('TenantCluster', name, namespace);
    if (!cluster) return undefined;
    const resource = this.#clusterResource(cluster, this.#namespaces());
    return {
      resource,
      item: () =>
        toClusterDetail(
          cluster,
          resource.team,
          this.inventory.list('TenantAddon', namespace),
        ),
    };
  }

  addons(
    filter: { namespace?: string; cluster?: string } = {},
  ): Judged<ButlerClusterResource, TenantAddonInfo>[] {
    const namespaces = this.#namespaces();
    return this.inventory
      .list('TenantAddon', filter.namespace)
      .filter(
        a => !filter.cluster || a.spec?.clusterRef?.name === filter.cluster,
      )
      .map(a => ({
        resource: this.#addonResource(a, namespaces),
        item: () => toAddonInfo(a),
      }));
  }

  addon(
    namespace: string,
    name: string,
  ): Judged<ButlerClusterResource, TenantAddonInfo> | undefined {
    const addon = this.inventory.get('TenantAddon', name, namespace);
    if (!addon) return undefined;
    return {
      resource: this.#addonResource(addon, this.#namespaces()),
      item: () => toAddonInfo(addon),
    };
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
      const team = this.#clusterResource(c, namespaces).team;
      if (team) map.set(team, [...(map.get(team) ?? []), c]);
    }
    return map;
  }

  /** Teams, each with the caller's role in it (`viewer`). */
  teams(viewer: Viewer): Judged<ButlerTeamResource, TeamInfo>[] {
    const users = this.#usersByEmail();
    const clusters = this.#clustersByTeam();
    return this.inventory.list('Team').map(t => ({
      resource: { name: t.metadata.name },
      item: () =>
        toTeamInfo(
          t,
          users,
          clusters.get(t.metadata.name) ?? [],
          viewer.teams.get(t.metadata.name),
        ),
    }));
  }

  team(
    viewer: Viewer,
    name: string,
  ): Judged<ButlerTeamResource, TeamInfo> | undefined {
    const team = this.inventory.get('Team', name);
    if (!team) return undefined;
    return {
      resource: { name },
      item: () =>
        toTeamInfo(
          team,
          this.#usersByEmail(),
          this.#clustersByTeam().get(name) ?? [],
          viewer.teams.get(name),
        ),
    };
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
   * Whether a change event may be told to this caller: the object judged by the same scopes as
   * the routes. A deleted object is judged by its last state (the informer hands it over), so a
   * deletion is told to whoever saw the object.
   */
  mayKnow(
    scopes: ReadScopes,
    viewer: Viewer,
    kind: string,
    object: ButlerObject,
  ): boolean {
    switch (kind) {
      case 'TenantCluster':
        return scopes.cluster(
          this.#clusterResource(object, this.#namespaces()),
        );
      case 'TenantAddon':
        return scopes.addon(this.#addonResource(object, this.#namespaces()));
      case 'Team':
        return scopes.team({ name: object.metadata.name });
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
