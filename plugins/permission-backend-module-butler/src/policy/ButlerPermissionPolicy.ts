/*
 * The portal's permission policy: Butler's roles (RoleSource) applied to the rows of
 * portalRules. Definitive answers (ALLOW / DENY) where the role alone decides; a conditional
 * answer for workspaces, tenant clusters (and their addons) and teams, whose owner and team only
 * the butler backend knows when it holds the object (rules in butler-common's permissionRules,
 * applied there: lists are filtered by the condition, not fetched and then hidden).
 *
 * Reading the catalog (catalog.entity.read) follows the GitOps read rule, so that GitOps entities
 * are read as their files are, and butler.cluster.read's for the live tenant clusters' entities:
 * a condition the catalog applies in its query (catalogEntityRead);
 * refreshing one by ref (catalog.entity.refresh) too, else its answer tells whether it exists.
 * The catalog's writes (registering, unregistering, locations, ingestion) are platform admins'
 * (rows in portalRules). Other permissions that are not the portal's (scaffolder, search, the
 * catalog's other reads...) keep Backstage's behaviour under the previous allow-all policy:
 * allowed for every signed-in user who is not disabled. The GitOps write path is the portal's,
 * and it is checked above.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  RESOURCE_TYPE_CATALOG_ENTITY,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  BUTLER_CLUSTER_RESOURCE_TYPE,
  BUTLER_TEAM_RESOURCE_TYPE,
  BUTLER_WORKSPACE_RESOURCE_TYPE,
  butlerClusterConditions,
  butlerClusterReadPermission,
  butlerTeamConditions,
  butlerWorkspaceConditions,
} from '@butler-portal/plugin-butler-common';
import {
  GITOPS_RESOURCE_RESOURCE_TYPE,
  gitopsResourceConditions,
  gitopsResourceReadPermission,
} from '@butler-portal/plugin-gitops-common';
import {
  namespacesOf,
  teamsWithRole,
  type PortalRoles,
  type RoleSource,
} from '../roles/PortalRoles';
import { catalogReadDecision } from './catalogEntityRead';
import { PORTAL_PERMISSION_PREFIXES, PORTAL_RULES } from './portalRules';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

export interface ButlerPermissionPolicyOptions {
  /** roles from the management cluster (connected) or the catalog */
  roles: () => RoleSource;
  /** user entity refs that are platform admins whatever the source says (config) */
  platformAdmins?: string[];
  logger?: LoggerService;
}

export class ButlerPermissionPolicy implements PermissionPolicy {
  readonly #admins: Set<string>;

  constructor(private readonly options: ButlerPermissionPolicyOptions) {
    this.#admins = new Set(
      (options.platformAdmins ?? []).map(r => r.toLowerCase()),
    );
  }

  /** every team's namespace; undefined when they cannot be read (the decision fails closed) */
  async #teamNamespaces(
    permission: string,
    user: PolicyQueryUser,
  ): Promise<string[] | undefined> {
    try {
      const namespaces: unknown = await this.options.roles().teamNamespaces();
      // a deny-list (HAS_NO_OWNING_TEAM): anything but a list of names is no answer
      if (
        !Array.isArray(namespaces) ||
        !namespaces.every(ns => typeof ns === 'string' && ns !== '')
      ) {
        throw new Error('the role source named no list of namespaces');
      }
      return namespaces;
    } catch (error) {
      this.options.logger?.warn(
        `permission ${permission} for ${
          user.info.userEntityRef
        } refused: the teams could not be read: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  /**
   * catalog.entity.read (and .refresh): everything for platform admins and viewers; else a
   * GitOps entity as gitops.resource.read reads its file (the same roles), a live tenant
   * cluster's as butler.cluster.read reads the cluster, other entities for everyone
   */
  async #catalogRead(
    request: PolicyQuery,
    user: PolicyQueryUser,
    roles: PortalRoles | undefined,
  ): Promise<PolicyDecision> {
    if (
      !isResourcePermission(request.permission, RESOURCE_TYPE_CATALOG_ENTITY)
    ) {
      return DENY;
    }
    const platformRole = this.#admins.has(user.info.userEntityRef.toLowerCase())
      ? 'admin'
      : roles?.platformRole;
    if (platformRole) return ALLOW;
    const rule = PORTAL_RULES.get(gitopsResourceReadPermission.name);
    const teams =
      roles && rule?.kind === 'owningTeam'
        ? teamsWithRole(roles, rule.roles)
        : [];
    // a tenant cluster's entity as butler.cluster.read reads the cluster
    const clusterRule = PORTAL_RULES.get(butlerClusterReadPermission.name);
    const clusterTeams =
      roles && clusterRule?.kind === 'cluster'
        ? teamsWithRole(roles, clusterRule.roles)
        : [];
    // roles or teams unknown: no GitOps or tenant cluster entity, the rest as usual
    const teamNamespaces = roles
      ? await this.#teamNamespaces(request.permission.name, user)
      : undefined;
    return catalogReadDecision(request.permission, {
      teams,
      owners: roles?.emails ?? [],
      namespaces: roles ? namespacesOf(roles, teams) : [],
      teamNamespaces,
      clusterTeams,
    });
  }

  /**
   * Roles unknown: for the list reads that give a user in no team an empty list (clusters,
   * addons, teams), the same condition no resource meets, so that the butler routes answer as
   * for such a user (503 naming why the inventory is not read yet) rather than 403.
   */
  #nothing(request: PolicyQuery): PolicyDecision | undefined {
    const rule = PORTAL_RULES.get(request.permission.name);
    if (
      rule?.kind === 'cluster' &&
      rule.list &&
      isResourcePermission(request.permission, BUTLER_CLUSTER_RESOURCE_TYPE)
    ) {
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'butler',
        resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
        conditions: butlerClusterConditions.isTeamMember({ teams: [] }),
      };
    }
    if (
      rule?.kind === 'team' &&
      isResourcePermission(request.permission, BUTLER_TEAM_RESOURCE_TYPE)
    ) {
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'butler',
        resourceType: BUTLER_TEAM_RESOURCE_TYPE,
        conditions: butlerTeamConditions.isTeamMember({ teams: [] }),
      };
    }
    return undefined;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    // no user: the permission backend asks on behalf of a user only (services are allowed
    // before the policy is asked); anything else is refused
    if (!user) return DENY;
    const name = request.permission.name;
    const rule = PORTAL_RULES.get(name);
    // the portal's own permissions, and Backstage's that have a row (the catalog's writes)
    const portal =
      !!rule || PORTAL_PERMISSION_PREFIXES.some(p => name.startsWith(p));
    const catalogRead =
      name === catalogEntityReadPermission.name ||
      name === catalogEntityRefreshPermission.name;

    let roles: PortalRoles;
    try {
      roles = await this.options.roles().rolesOf(user.info);
    } catch (error) {
      // a platform admin by configuration does not depend on the source (break-glass)
      const admin = this.#admins.has(user.info.userEntityRef.toLowerCase());
      // roles cannot be read (catalog down, Teams or Users not yet synced from the cluster):
      // refuse portal permissions, keep the rest
      if (!admin) {
        this.options.logger?.warn(
          `permission ${name} for ${
            user.info.userEntityRef
          } refused: roles could not be read: ${(error as Error).message}`,
        );
      }
      if (catalogRead) return this.#catalogRead(request, user, undefined);
      if (admin) return portal && !rule ? DENY : ALLOW;
      if (!portal) return ALLOW;
      return this.#nothing(request) ?? DENY;
    }
    if (roles.disabled) return DENY;
    if (catalogRead) return this.#catalogRead(request, user, roles);
    if (!portal) return ALLOW;
    if (!rule) {
      this.options.logger?.warn(
        `permission ${name} is the portal's but has no rule in permission-backend-module-butler; refused`,
      );
      return DENY;
    }
    const platformRole = this.#admins.has(user.info.userEntityRef.toLowerCase())
      ? 'admin'
      : roles.platformRole;
    if (platformRole === 'admin') return ALLOW;

    switch (rule.kind) {
      case 'read':
        return ALLOW;
      case 'platform':
        return DENY;
      case 'teamRole':
        return teamsWithRole(roles, rule.roles).length > 0 ? ALLOW : DENY;
      case 'workspace': {
        if (rule.read && platformRole === 'viewer') return ALLOW;
        if (
          !isResourcePermission(
            request.permission,
            BUTLER_WORKSPACE_RESOURCE_TYPE,
          )
        ) {
          return DENY;
        }
        const teams = teamsWithRole(roles, rule.roles);
        const conditions = [
          ...(roles.emails.length > 0
            ? [butlerWorkspaceConditions.isOwner({ owners: roles.emails })]
            : []),
          ...(teams.length > 0
            ? [butlerWorkspaceConditions.isTeamMember({ teams })]
            : []),
        ];
        // neither an email nor a team: no workspace can be theirs
        const [first, ...rest] = conditions;
        if (!first) return DENY;
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'butler',
          resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
          conditions: { anyOf: [first, ...rest] },
        };
      }
      case 'cluster': {
        if (rule.read && platformRole === 'viewer') return ALLOW;
        if (
          !isResourcePermission(
            request.permission,
            BUTLER_CLUSTER_RESOURCE_TYPE,
          )
        ) {
          return DENY;
        }
        const teams = teamsWithRole(roles, rule.roles);
        // a list read in no team: a condition nothing meets (an empty list, not a 403)
        if (teams.length === 0 && !rule.list) return DENY;
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'butler',
          resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
          conditions: butlerClusterConditions.isTeamMember({ teams }),
        };
      }
      case 'team': {
        if (platformRole === 'viewer') return ALLOW;
        if (
          !isResourcePermission(request.permission, BUTLER_TEAM_RESOURCE_TYPE)
        ) {
          return DENY;
        }
        // in no team: the condition holds for no team (an empty list)
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'butler',
          resourceType: BUTLER_TEAM_RESOURCE_TYPE,
          conditions: butlerTeamConditions.isTeamMember({
            teams: teamsWithRole(roles, rule.roles),
          }),
        };
      }
      case 'owningTeam': {
        if (rule.read && platformRole === 'viewer') return ALLOW;
        if (
          !isResourcePermission(
            request.permission,
            GITOPS_RESOURCE_RESOURCE_TYPE,
          )
        ) {
          return DENY;
        }
        const teams = teamsWithRole(roles, rule.roles);
        const teamNamespaces = rule.read
          ? await this.#teamNamespaces(name, user)
          : [];
        if (!teamNamespaces) return DENY;
        const conditions = [
          ...(teams.length > 0
            ? [
                gitopsResourceConditions.isOwningTeamMember({
                  teams,
                  namespaces: namespacesOf(roles, teams),
                }),
              ]
            : []),
          // reading: the files no team owns are everyone's (no team at all: only those)
          ...(rule.read
            ? [gitopsResourceConditions.hasNoOwningTeam({ teamNamespaces })]
            : []),
          // reading: a file naming the user its owner (a Workspace's spec.owner), in any team
          ...(rule.read && roles.emails.length > 0
            ? [gitopsResourceConditions.isFileOwner({ owners: roles.emails })]
            : []),
        ];
        const [first, ...rest] = conditions;
        if (!first) return DENY;
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: rule.pluginId,
          resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
          conditions: rest.length ? { anyOf: [first, ...rest] } : first,
        };
      }
      default:
        return DENY;
    }
  }
}
