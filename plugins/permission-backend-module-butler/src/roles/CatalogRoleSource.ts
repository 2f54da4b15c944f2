/*
 * Roles from the catalog, for a portal without a management cluster (the embedded default, or
 * an organisation whose teams come from GitHub). The convention (README, "Roles without a
 * cluster"):
 *   - a team is a Group the user is a member of (their ownership refs), named by the Group's
 *     entity name, the same name the catalog module gives a Butler Team's Group;
 *   - the role in it: the Group's `butler.butlerlabs.dev/member-roles` annotation
 *     (`<email or user name>=<role>,...`, the format the catalog module writes for Teams), else
 *     the Group's `butler.butlerlabs.dev/default-role`, else `viewer` (the CRD's default);
 *   - platform admin: a Group the user belongs to, or the User entity itself, annotated
 *     `butler.butlerlabs.dev/platform-admin: "true"`; `platform-viewer` likewise for viewers.
 * Entities are read with the module's own service credentials and kept for a few seconds, so a
 * page that asks many decisions costs one catalog read.
 */
import type {
  AuthService,
  BackstageUserInfo,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { TEAM_ROLES, type TeamRole } from '@butler-portal/plugin-butler-common';
import {
  ANNOTATION_MEMBER_ROLES,
  ANNOTATION_PLATFORM_ADMIN,
  ANNOTATION_TEAM_NAMESPACE,
} from '@butler-portal/plugin-catalog-backend-module-butler';
import {
  strongerPlatformRole,
  strongerRole,
  type PlatformRole,
  type PortalRoles,
  type RoleSource,
} from './PortalRoles';

/** A Group's role for members the member-roles annotation does not name. */
export const ANNOTATION_DEFAULT_ROLE = 'butler.butlerlabs.dev/default-role';
/** A Group (or User) whose members read everything, as User spec.platformRole: viewer. */
export const ANNOTATION_PLATFORM_VIEWER =
  'butler.butlerlabs.dev/platform-viewer';

const isTrue = (v: string | undefined) => v?.trim().toLowerCase() === 'true';
const teamRole = (v: string | undefined): TeamRole | undefined =>
  TEAM_ROLES.find(r => r === v?.trim().toLowerCase());

/** `alice@example.com=admin, bob=operator` → Map(lower-case key → role); bad entries skipped. */
export function parseMemberRoles(
  value: string | undefined,
): Map<string, TeamRole> {
  const map = new Map<string, TeamRole>();
  for (const entry of (value ?? '').split(',')) {
    const [key, role] = entry.split('=');
    const r = teamRole(role);
    if (key?.trim() && r) map.set(key.trim().toLowerCase(), r);
  }
  return map;
}

function platformRoleOf(entity: Entity): PlatformRole | undefined {
  const a = entity.metadata.annotations ?? {};
  if (isTrue(a[ANNOTATION_PLATFORM_ADMIN])) return 'admin';
  if (isTrue(a[ANNOTATION_PLATFORM_VIEWER])) return 'viewer';
  return undefined;
}

export class CatalogRoleSource implements RoleSource {
  readonly #cache = new Map<
    string,
    { at: number; roles: Promise<PortalRoles> }
  >();

  #teamNamespaces?: { at: number; namespaces: Promise<string[]> };

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly options: { cacheTtlMs?: number } = {},
  ) {}

  async rolesOf(info: BackstageUserInfo): Promise<PortalRoles> {
    const ttl = this.options.cacheTtlMs ?? 5_000;
    const key = [info.userEntityRef, ...info.ownershipEntityRefs].join('\n');
    const hit = this.#cache.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.roles;
    const roles = this.#read(info);
    this.#cache.set(key, { at: Date.now(), roles });
    // a failed read is not kept: the next decision tries again
    roles.catch(() => {
      // unless a newer read replaced it meanwhile
      if (this.#cache.get(key)?.roles === roles) this.#cache.delete(key);
    });
    if (this.#cache.size > 1000) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return roles;
  }

  /**
   * every Group is a team here: its namespace annotation, else its name (kept as long as roles).
   * No Group is a real answer, unlike an unsynced cluster inventory: the catalog keeps its
   * entities in its database across restarts (empty only before a new database's first
   * ingestion), and a portal without teams has every undeclared file nobody's. A catalog that
   * cannot be read throws, and the policy fails closed.
   */
  async teamNamespaces(): Promise<string[]> {
    const ttl = this.options.cacheTtlMs ?? 5_000;
    const hit = this.#teamNamespaces;
    if (hit && Date.now() - hit.at < ttl) return hit.namespaces;
    const namespaces = (async () => {
      const { items } = await this.catalog.getEntities(
        {
          filter: { kind: 'Group' },
          fields: ['metadata.name', 'metadata.annotations'],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      const all = items.map(group => {
        const ns = group.metadata.annotations?.[ANNOTATION_TEAM_NAMESPACE];
        return typeof ns === 'string' && ns ? ns : group.metadata.name;
      });
      return [...new Set(all)].sort();
    })();
    this.#teamNamespaces = { at: Date.now(), namespaces };
    namespaces.catch(() => {
      if (this.#teamNamespaces?.namespaces === namespaces)
        this.#teamNamespaces = undefined;
    });
    return namespaces;
  }

  async #read(info: BackstageUserInfo): Promise<PortalRoles> {
    const groupRefs = info.ownershipEntityRefs.filter(r =>
      r.toLowerCase().startsWith('group:'),
    );
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: [info.userEntityRef, ...groupRefs] },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const [userEntity, ...groups] = items;
    const userName = parseEntityRef(info.userEntityRef).name.toLowerCase();
    const emails = new Set<string>();
    const profileEmail = (userEntity?.spec as any)?.profile?.email;
    if (typeof profileEmail === 'string' && profileEmail) {
      emails.add(profileEmail.toLowerCase());
    }
    if (userName.includes('@')) emails.add(userName);

    let platformRole = userEntity ? platformRoleOf(userEntity) : undefined;
    const teams = new Map<string, TeamRole>();
    const namespaces = new Map<string, string>();
    groups.forEach((group, i) => {
      // a ref the catalog does not know still names the team (sign-in group claims)
      const name = group
        ? group.metadata.name
        : parseEntityRef(groupRefs[i]).name;
      if (group)
        platformRole = strongerPlatformRole(
          platformRole,
          platformRoleOf(group),
        );
      const annotations = group?.metadata.annotations ?? {};
      const byMember = parseMemberRoles(annotations[ANNOTATION_MEMBER_ROLES]);
      let role: TeamRole | undefined;
      for (const k of [userName, ...emails]) {
        const r = byMember.get(k);
        if (r) role = strongerRole(role, r);
      }
      role ??= teamRole(annotations[ANNOTATION_DEFAULT_ROLE]) ?? 'viewer';
      teams.set(name, strongerRole(teams.get(name), role));
      // the Group of a Butler Team carries its namespace; any other team is its own namespace
      const ns = annotations[ANNOTATION_TEAM_NAMESPACE];
      namespaces.set(name, typeof ns === 'string' && ns ? ns : name);
    });
    return {
      ...(platformRole && { platformRole }),
      teams,
      namespaces,
      emails: [...emails],
      source: 'catalog',
    };
  }
}
