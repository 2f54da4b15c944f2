/*
 * The entity provider of the live Butler objects. Once every kind has been listed it hands the
 * catalog the whole set (a `full` mutation); from then on it follows the shared inventory's
 * watch events with `delta` mutations of only the entities an event changes: a cluster's phase
 * change touches that one Resource, whatever the number of clusters; a Team change its Group,
 * the Users whose memberOf changes and the clusters it owns by namespace; a User change that
 * User and the Groups that list them. Events arriving together (a relist after 410 Gone) are
 * coalesced into one mutation, and an entity whose content did not change is not sent again.
 *
 * While the management cluster is unreachable nothing is sent: the catalog keeps what it has
 * rather than losing every cluster to an outage. Without a configured cluster the provider
 * provides nothing.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  teamOfCluster,
  type ButlerInventory,
  type InventoryEvent,
} from '@butler-portal/plugin-butler-node';
import { INVENTORY_KINDS } from '@butler-portal/plugin-butler-common';
import {
  clusterToEntity,
  teamToGroup,
  userToEntity,
  type UsersByEmail,
} from '../entity/toEntities';

const LOCATION_KEY = 'butler-management-cluster';

/** `<kind>:<namespace>/<name>` of an entity this provider manages. */
type Key = string;
const clusterKey = (ns: string, name: string): Key => `resource:${ns}/${name}`;
const groupKey = (name: string): Key => `group:default/${name}`;
const userKey = (name: string): Key => `user:default/${name}`;

export interface ButlerEntityProviderOptions {
  inventory: ButlerInventory;
  logger: LoggerService;
  /** how often to look whether every kind has been listed, before the first full mutation */
  syncPollMs?: number;
}

export interface MutationStats {
  type: 'full' | 'delta';
  added: number;
  removed: number;
}

export class ButlerEntityProvider implements EntityProvider {
  readonly #inventory: ButlerInventory;
  readonly #logger: LoggerService;
  readonly #syncPollMs: number;
  #connection?: EntityProviderConnection;
  #off?: () => void;
  #timer?: NodeJS.Timeout;
  /** what the catalog holds from us: key → entity JSON */
  #emitted = new Map<Key, string>();
  #full = false;
  #pending = new Set<Key>();
  #flushing: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  readonly #listeners = new Set<(stats: MutationStats) => void>();

  constructor(options: ButlerEntityProviderOptions) {
    this.#inventory = options.inventory;
    this.#logger = options.logger;
    this.#syncPollMs = options.syncPollMs ?? 500;
  }

  getProviderName(): string {
    return 'butler-management-cluster';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    if (!this.#inventory.configured) {
      this.#logger.info(
        'no Butler management cluster configured (butler.managementCluster): no clusters, teams or users from Butler in the catalog',
      );
      return;
    }
    // subscribe first: a change after the full snapshot below must not be missed
    this.#off = this.#inventory.onChange(e => this.#changed(e));
    this.#waitForSync();
  }

  /** Stops following the inventory (tests, shutdown). */
  close(): void {
    this.#off?.();
    clearTimeout(this.#timer);
  }

  /** Called after each mutation (benchmark, tests). */
  onMutation(listener: (stats: MutationStats) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #waitForSync(): void {
    if (INVENTORY_KINDS.every(k => this.#inventory.synced(k))) {
      this.#enqueue(() => this.#applyFull());
      return;
    }
    this.#timer = setTimeout(() => this.#waitForSync(), this.#syncPollMs);
  }

  #enqueue(work: () => Promise<void>): void {
    this.#flushing = this.#flushing
      .then(work)
      .catch(error =>
        this.#logger.error(
          `updating the catalog from the management cluster failed: ${error}`,
        ),
      );
  }

  // ---- what an event touches ---------------------------------------------------------------

  #teamNamespaces(): Map<string, string> {
    const map = new Map<string, string>();
    for (const t of this.#inventory.list('Team')) {
      const ns = t.status?.namespace;
      if (typeof ns === 'string' && ns) map.set(ns, t.metadata.name);
    }
    return map;
  }

  #changed(event: InventoryEvent): void {
    if (!this.#full) return; // the full snapshot will include it
    const { object } = event;
    const ns = object.metadata.namespace ?? '';
    switch (event.kind) {
      case 'TenantCluster':
        this.#pending.add(clusterKey(ns, object.metadata.name));
        break;
      case 'TenantAddon':
        // its cluster's dependsOn (the clusterRef may have changed: every cluster of the namespace)
        for (const c of this.#inventory.list('TenantCluster', ns)) {
          this.#pending.add(clusterKey(ns, c.metadata.name));
        }
        break;
      case 'Team': {
        this.#pending.add(groupKey(object.metadata.name));
        for (const key of this.#emitted.keys()) {
          if (key.startsWith('user:')) this.#pending.add(key);
        }
        for (const u of this.#inventory.list('User')) {
          this.#pending.add(userKey(u.metadata.name));
        }
        const teamNs = object.status?.namespace;
        if (typeof teamNs === 'string' && teamNs) {
          for (const c of this.#inventory.list('TenantCluster', teamNs)) {
            this.#pending.add(clusterKey(teamNs, c.metadata.name));
          }
        }
        break;
      }
      case 'User':
        this.#pending.add(userKey(object.metadata.name));
        for (const t of this.#inventory.list('Team')) {
          this.#pending.add(groupKey(t.metadata.name));
        }
        break;
      default:
        return; // AddonDefinitions are not entities
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // the events of one burst (a relist) become one mutation
      setImmediate(() => {
        this.#flushScheduled = false;
        this.#enqueue(() => this.#applyDelta());
      });
    }
  }

  // ---- entities ------------------------------------------------------------------------------

  #usersByEmail(): UsersByEmail {
    const map: UsersByEmail = new Map();
    for (const u of this.#inventory.list('User')) {
      if (typeof u.spec?.email === 'string') {
        map.set(u.spec.email.toLowerCase(), u.metadata.name);
      }
    }
    return map;
  }

  /** User name → the teams listing their email. */
  #teamsOfUsers(users: UsersByEmail): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const t of this.#inventory.list('Team')) {
      const listed = t.spec?.access?.users;
      for (const u of Array.isArray(listed) ? listed : []) {
        const user =
          typeof u?.name === 'string'
            ? users.get(u.name.toLowerCase())
            : undefined;
        if (user && !map.get(user)?.includes(t.metadata.name)) {
          map.set(user, [...(map.get(user) ?? []), t.metadata.name]);
        }
      }
    }
    return map;
  }

  /** The entity a key stands for now, or undefined when its object is gone. */
  #entityOf(
    key: Key,
    ctx: {
      namespaces?: Map<string, string>;
      users?: UsersByEmail;
      teamsOfUsers?: Map<string, string[]>;
    },
  ): Entity | undefined {
    const [kind, rest] = key.split(':');
    const [ns, name] = rest.split('/');
    if (kind === 'resource') {
      const cluster = this.#inventory.get('TenantCluster', name, ns);
      if (!cluster) return undefined;
      ctx.namespaces ??= this.#teamNamespaces();
      const namespaces = ctx.namespaces;
      return clusterToEntity(
        cluster,
        teamOfCluster(cluster, n => namespaces.get(n)),
        this.#inventory.list('TenantAddon', ns),
      );
    }
    if (kind === 'group') {
      const team = this.#inventory.get('Team', name);
      if (!team) return undefined;
      ctx.users ??= this.#usersByEmail();
      return teamToGroup(team, ctx.users);
    }
    const user = this.#inventory.get('User', name);
    if (!user) return undefined;
    ctx.users ??= this.#usersByEmail();
    ctx.teamsOfUsers ??= this.#teamsOfUsers(ctx.users);
    return userToEntity(user, ctx.teamsOfUsers.get(name) ?? []);
  }

  async #applyFull(): Promise<void> {
    const namespaces = this.#teamNamespaces();
    const users = this.#usersByEmail();
    const teamsOfUsers = this.#teamsOfUsers(users);
    const addonsByNs = new Map<string, ReturnType<ButlerInventory['list']>>();
    for (const a of this.#inventory.list('TenantAddon')) {
      const ns = a.metadata.namespace ?? '';
      addonsByNs.set(ns, [...(addonsByNs.get(ns) ?? []), a]);
    }
    const entities: Entity[] = [
      ...this.#inventory.list('TenantCluster').map(c =>
        clusterToEntity(
          c,
          teamOfCluster(c, n => namespaces.get(n)),
          addonsByNs.get(c.metadata.namespace ?? '') ?? [],
        ),
      ),
      ...this.#inventory.list('Team').map(t => teamToGroup(t, users)),
      ...this.#inventory
        .list('User')
        .map(u => userToEntity(u, teamsOfUsers.get(u.metadata.name) ?? [])),
    ];
    await this.#connection!.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: LOCATION_KEY })),
    });
    this.#emitted = new Map(entities.map(e => [keyOf(e), JSON.stringify(e)]));
    this.#full = true;
    this.#logger.info(
      `catalog holds ${entities.length} entities from the Butler management cluster`,
    );
    this.#notify({ type: 'full', added: entities.length, removed: 0 });
  }

  async #applyDelta(): Promise<void> {
    const keys = [...this.#pending];
    this.#pending.clear();
    const ctx = {};
    const added: DeferredEntity[] = [];
    const removed: DeferredEntity[] = [];
    const emitted: Array<[Key, string | undefined]> = [];
    for (const key of keys) {
      const entity = this.#entityOf(key, ctx);
      const before = this.#emitted.get(key);
      if (entity) {
        const json = JSON.stringify(entity);
        if (json === before) continue;
        added.push({ entity, locationKey: LOCATION_KEY });
        emitted.push([key, json]);
      } else if (before !== undefined) {
        removed.push({ entity: JSON.parse(before), locationKey: LOCATION_KEY });
        emitted.push([key, undefined]);
      }
    }
    if (!added.length && !removed.length) return;
    await this.#connection!.applyMutation({ type: 'delta', added, removed });
    for (const [key, json] of emitted) {
      if (json === undefined) this.#emitted.delete(key);
      else this.#emitted.set(key, json);
    }
    this.#notify({
      type: 'delta',
      added: added.length,
      removed: removed.length,
    });
  }

  #notify(stats: MutationStats): void {
    this.#listeners.forEach(l => l(stats));
  }
}

function keyOf(entity: Entity): Key {
  return `${entity.kind.toLowerCase()}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
}
