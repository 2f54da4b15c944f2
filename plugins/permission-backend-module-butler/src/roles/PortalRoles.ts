/*
 * A user's roles in Butler's terms, whichever source they come from (the management cluster's
 * Teams and Users, or catalog Groups): the platform role (User spec.platformRole /
 * isPlatformAdmin) and the role in each team (Team spec.access: admin, operator, viewer).
 */
import type { BackstageUserInfo } from '@backstage/backend-plugin-api';
import { TEAM_ROLES, type TeamRole } from '@butler-portal/plugin-butler-common';

export type PlatformRole = 'admin' | 'viewer';

export interface PortalRoles {
  /** platform-wide role; admin bypasses team-based rules, viewer reads everything */
  platformRole?: PlatformRole;
  /** team name → the strongest role the user has in it */
  teams: Map<string, TeamRole>;
  /**
   * team name → its namespace (Team status.namespace; a catalog Group's namespace annotation,
   * else its name), for files owned by where they are (gitops-common's permissionRules)
   */
  namespaces?: Map<string, string>;
  /** the user's emails (lower case), for the workspace owner rule (Workspace spec.owner) */
  emails: string[];
  /** a disabled Butler User: every portal permission is refused */
  disabled?: boolean;
  /** where the roles came from, for the README's table and for debugging */
  source: 'cluster' | 'catalog';
}

/** Where a user's roles come from. */
export interface RoleSource {
  rolesOf(info: BackstageUserInfo): Promise<PortalRoles>;
  /**
   * the namespace of every known team (not only the user's): a file that declares no team and
   * lies in none of them is nobody's, and every signed-in user reads it
   */
  teamNamespaces(): Promise<string[]>;
}

/** The stronger of two team roles (viewer < operator < admin). */
export function strongerRole(a: TeamRole | undefined, b: TeamRole): TeamRole {
  return a && TEAM_ROLES.indexOf(a) >= TEAM_ROLES.indexOf(b) ? a : b;
}

/** The stronger of two platform roles. */
export function strongerPlatformRole(
  a: PlatformRole | undefined,
  b: PlatformRole | undefined,
): PlatformRole | undefined {
  if (a === 'admin' || b === 'admin') return 'admin';
  return a ?? b;
}

/** Teams where the user's role is one of `roles`. */
export function teamsWithRole(
  roles: PortalRoles,
  allowed: readonly TeamRole[],
): string[] {
  return [...roles.teams]
    .filter(([, role]) => allowed.includes(role))
    .map(([team]) => team)
    .sort();
}

/** The namespaces of `teams` (a team without a known namespace: its name, Butler's default). */
export function namespacesOf(roles: PortalRoles, teams: string[]): string[] {
  return [...new Set(teams.map(t => roles.namespaces?.get(t) ?? t))].sort();
}
