/*
 * Roles from the management cluster, read from butler-node's shared inventory (the same
 * watches the butler routes and the catalog module use; never a request to the cluster per
 * decision). Butler's own rules, as the CRDs state them:
 *   - a User is the signed-in user when its metadata.name (the catalog module's
 *     `user:default/<name>`) or its spec.email equals the entity name of the user's ref;
 *   - platform role: spec.platformRole (admin | viewer) or the deprecated spec.isPlatformAdmin
 *     (the higher of the two); a disabled User (spec.disabled) gets nothing;
 *   - team role: Team spec.access.users lists the user's email, or spec.access.groups one of the
 *     user's groups (ownership refs `group:<ns>/<name>`, as a sign-in resolver puts the
 *     identity provider's group claims there); the strongest role wins.
 * The inventory answers [] for a kind until it has listed it once (the cluster slow or
 * unreachable, RBAC refusing the kind): read as "no Teams", every team's folder would be nobody's
 * and every User enabled. So both answers throw until Teams (and, for roles, Users) are synced,
 * and the policy refuses what depends on them (fails closed). Once listed, the inventory keeps
 * the last copy through a later outage (stale, but complete).
 */
import type { BackstageUserInfo } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  roleOf,
  type ButlerInventory,
  type ButlerObject,
} from '@butler-portal/plugin-butler-node';
import type {
  InventoryKind,
  TeamRole,
} from '@butler-portal/plugin-butler-common';
import {
  strongerPlatformRole,
  strongerRole,
  type PlatformRole,
  type PortalRoles,
  type RoleSource,
} from './PortalRoles';

function nameOf(ref: string, defaultKind: string): string | undefined {
  try {
    return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' })
      .name;
  } catch {
    return undefined;
  }
}

function platformRoleOf(user: ButlerObject): PlatformRole | undefined {
  const spec = user.spec ?? {};
  const fromRole =
    spec.platformRole === 'admin' || spec.platformRole === 'viewer'
      ? (spec.platformRole as PlatformRole)
      : undefined;
  return strongerPlatformRole(
    fromRole,
    spec.isPlatformAdmin === true ? 'admin' : undefined,
  );
}

export class ClusterRoleSource implements RoleSource {
  constructor(private readonly inventory: ButlerInventory) {}

  /** @throws when a kind has not been listed from the management cluster yet */
  #requireSynced(...kinds: InventoryKind[]): void {
    for (const kind of kinds) {
      if (!this.inventory.synced(kind)) {
        const status = this.inventory.status();
        throw new Error(
          `${kind} objects are not yet read from the management cluster${
            status.kinds[kind]?.reason || status.reason
              ? `: ${status.kinds[kind]?.reason ?? status.reason}`
              : ''
          }`,
        );
      }
    }
  }

  #findUser(userName: string): ButlerObject | undefined {
    const key = userName.toLowerCase();
    const users = this.inventory.list('User');
    return (
      users.find(u => u.metadata.name.toLowerCase() === key) ??
      users.find(u => String(u.spec?.email ?? '').toLowerCase() === key)
    );
  }

  async teamNamespaces(): Promise<string[]> {
    this.#requireSynced('Team');
    const namespaces = this.inventory.list('Team').map(team => {
      const ns = team.status?.namespace;
      return typeof ns === 'string' && ns ? ns : team.metadata.name;
    });
    return [...new Set(namespaces)].sort();
  }

  async rolesOf(info: BackstageUserInfo): Promise<PortalRoles> {
    // a disabled User and the teams' members are unknown until both kinds are in
    this.#requireSynced('User', 'Team');
    const userName = nameOf(info.userEntityRef, 'user') ?? '';
    const user = userName ? this.#findUser(userName) : undefined;
    const teams = new Map<string, TeamRole>();
    const namespaces = new Map<string, string>();
    if (user?.spec?.disabled === true) {
      return { teams, emails: [], disabled: true, source: 'cluster' };
    }
    const emails: string[] = [];
    if (typeof user?.spec?.email === 'string' && user.spec.email) {
      emails.push(user.spec.email.toLowerCase());
    } else if (userName.includes('@')) {
      // a sign-in resolver that names users by their email, without a User object
      emails.push(userName.toLowerCase());
    }
    const groups = new Set(
      info.ownershipEntityRefs
        .filter(r => r.toLowerCase().startsWith('group:'))
        .map(r => nameOf(r, 'group')?.toLowerCase())
        .filter((g): g is string => !!g),
    );
    for (const team of this.inventory.list('Team')) {
      const access = team.spec?.access ?? {};
      let role: TeamRole | undefined;
      for (const u of Array.isArray(access.users) ? access.users : []) {
        if (emails.includes(String(u?.name ?? '').toLowerCase())) {
          role = strongerRole(role, roleOf(u.role));
        }
      }
      for (const g of Array.isArray(access.groups) ? access.groups : []) {
        if (groups.has(String(g?.name ?? '').toLowerCase())) {
          role = strongerRole(role, roleOf(g.role));
        }
      }
      if (role) {
        teams.set(team.metadata.name, role);
        const ns = team.status?.namespace;
        if (typeof ns === 'string' && ns)
          namespaces.set(team.metadata.name, ns);
      }
    }
    const platformRole = user ? platformRoleOf(user) : undefined;
    return {
      ...(platformRole && { platformRole }),
      teams,
      namespaces,
      emails,
      source: 'cluster',
    };
  }
}
