/*
 * Who is asking, in Butler's terms. Team.spec.access is the source of truth: a user is a member
 * of a team when the team lists their email (access.users, "identified by their email address"
 * in the CRD) or one of their identity-provider groups (access.groups, matched against the
 * groups the signed-in user's identity claims). Platform admins (User spec.isPlatformAdmin or
 * platformRole admin) see every team. A disabled User sees nothing.
 *
 * The signed-in Backstage user is matched to a Butler User by name (the catalog module makes
 * catalog User `user:default/<User metadata.name>`) or, failing that, by email when the
 * sign-in resolver names users by their email.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { TEAM_ROLES, type TeamRole } from '@butler-portal/plugin-butler-common';
import {
  isPlatformAdmin,
  roleOf,
  type ButlerInventory,
  type ButlerObject,
} from '@butler-portal/plugin-butler-node';

export interface Identity {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

export interface Viewer {
  userEntityRef: string;
  user?: ButlerObject;
  email?: string;
  platformAdmin: boolean;
  /** team name → the strongest role the viewer has in it */
  teams: Map<string, TeamRole>;
}

const stronger = (a: TeamRole | undefined, b: TeamRole): TeamRole =>
  a && TEAM_ROLES.indexOf(a) >= TEAM_ROLES.indexOf(b) ? a : b;

function nameOf(ref: string, defaultKind: string): string | undefined {
  try {
    return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' })
      .name;
  } catch {
    return undefined;
  }
}

export function findButlerUser(
  inventory: ButlerInventory,
  userName: string,
): ButlerObject | undefined {
  const key = userName.toLowerCase();
  const users = inventory.list('User');
  return (
    users.find(u => u.metadata.name.toLowerCase() === key) ??
    users.find(u => String(u.spec?.email ?? '').toLowerCase() === key)
  );
}

export function resolveViewer(
  inventory: ButlerInventory,
  identity: Identity,
): Viewer {
  const userName = nameOf(identity.userEntityRef, 'user') ?? '';
  const user = userName ? findButlerUser(inventory, userName) : undefined;
  const teams = new Map<string, TeamRole>();
  if (user?.spec?.disabled === true) {
    return {
      userEntityRef: identity.userEntityRef,
      user,
      platformAdmin: false,
      teams,
    };
  }
  // the User's email; without a User, a sign-in that names users by email
  let email: string | undefined;
  if (typeof user?.spec?.email === 'string')
    email = user.spec.email.toLowerCase();
  else if (userName.includes('@')) email = userName.toLowerCase();
  const groups = new Set(
    identity.ownershipEntityRefs
      .filter(r => r.toLowerCase().startsWith('group:'))
      .map(r => nameOf(r, 'group')?.toLowerCase())
      .filter((g): g is string => !!g),
  );
  for (const team of inventory.list('Team')) {
    const access = team.spec?.access ?? {};
    let role: TeamRole | undefined;
    for (const u of Array.isArray(access.users) ? access.users : []) {
      if (email && String(u?.name ?? '').toLowerCase() === email) {
        role = stronger(role, roleOf(u.role));
      }
    }
    for (const g of Array.isArray(access.groups) ? access.groups : []) {
      if (groups.has(String(g?.name ?? '').toLowerCase())) {
        role = stronger(role, roleOf(g.role));
      }
    }
    if (role) teams.set(team.metadata.name, role);
  }
  return {
    userEntityRef: identity.userEntityRef,
    ...(user && { user }),
    ...(email && { email }),
    platformAdmin: user ? isPlatformAdmin(user) : false,
    teams,
  };
}
