/*
 * Who owns a GitOps file, and the permission rule that decides changes by it (declared here,
 * isomorphic, so that the Butler policy writes the condition and the gitops, pipeline and
 * registry backends apply it to the files in hand, without a round trip).
 *
 * The owning team of a resource file, in this order:
 *   1. the owner annotation `portal.butlerlabs.dev/owner` (the Butler kinds' CRDs have no owner
 *      field), a Group ref (`group:default/team-a`, `team-a`);
 *   2. spec.owner when it names a Group (`group:...`: the portal kinds Pipeline, Artifact...;
 *      a Workspace's spec.owner is a person's email and names no team);
 *   3. spec.teamRef.name (TenantCluster);
 *   4. otherwise the team whose namespace the file is in (`metadata.namespace`, the folder of the
 *      repo layout `<kind>/<namespace>/<name>.yaml`): Butler gives each Team a namespace.
 * A declared owner (1-3) wins over the namespace: a file in team-a's folder that says it belongs
 * to team-b is team-b's. A change touching several files, or moving a file from one owner to
 * another, needs the role in every owning team involved (the file before and after).
 *
 * A file has NO owning team when it declares none and its namespace is no team's namespace
 * (shared or platform files): reading those is every signed-in user's (HAS_NO_OWNING_TEAM,
 * given the namespaces of every known team, since only the policy knows the teams).
 *
 * A file may also name a person as its owner: spec.owner as an email (a Workspace's owner, "the
 * email of the Butler user who owns it"). That person reads the file whatever their teams
 * (IS_FILE_OWNER, given the user's emails): the owner of a Workspace in a team they are not a
 * member of still sees it under My workspaces. It is a reading rule only; changing the file is
 * its owning team's.
 */
import type {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { ANNOTATION_OWNER } from './entity/annotations';

/** Resource type of a GitOps resource file; resourceRef `<kind>/<namespace>/<name>`. */
export const GITOPS_RESOURCE_RESOURCE_TYPE = 'gitops-resource';

/** What the rule looks at: where the file is and the team it declares. */
export interface GitopsResourceOwnership {
  kind?: string;
  namespace: string;
  name?: string;
  /** the declared owning team (1-3 above); absent: the namespace's team owns it */
  team?: string;
  /** the person the file names as its owner (spec.owner as an email), lower-cased */
  owner?: string;
}

export const GITOPS_RESOURCE_RULES = {
  /**
   * the file's declared owning team is one of `teams`; without one, its namespace is one of
   * `namespaces` (the namespaces of those teams)
   */
  isOwningTeamMember: 'IS_MEMBER_OF_FILE_OWNING_TEAM',
  /**
   * the file declares no owning team and its namespace is none of `teamNamespaces` (the
   * namespaces of every known team): nobody owns it
   */
  hasNoOwningTeam: 'HAS_NO_OWNING_TEAM',
  /** the file's owner (spec.owner, an email) is one of `owners` (compared case-insensitively) */
  isFileOwner: 'IS_FILE_OWNER',
} as const;

export type GitopsResourceCondition = PermissionCondition<
  typeof GITOPS_RESOURCE_RESOURCE_TYPE
>;

export const gitopsResourceConditions = {
  isOwningTeamMember: (params: {
    teams: string[];
    namespaces: string[];
  }): GitopsResourceCondition => ({
    rule: GITOPS_RESOURCE_RULES.isOwningTeamMember,
    resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
    params: { teams: [...params.teams], namespaces: [...params.namespaces] },
  }),
  hasNoOwningTeam: (params: {
    teamNamespaces: string[];
  }): GitopsResourceCondition => ({
    rule: GITOPS_RESOURCE_RULES.hasNoOwningTeam,
    resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
    params: { teamNamespaces: [...params.teamNamespaces] },
  }),
  isFileOwner: (params: { owners: string[] }): GitopsResourceCondition => ({
    rule: GITOPS_RESOURCE_RULES.isFileOwner,
    resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
    params: { owners: params.owners.map(o => o.toLowerCase()) },
  }),
};

/** `group:default/team-a` or `team-a` → `team-a`; anything else (a user, an email) → undefined */
function groupName(value: unknown, bareIsGroup: boolean): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const v = value.trim().toLowerCase();
  const m = /^group:(?:[^/]+\/)?([a-z0-9][a-z0-9._-]*)$/.exec(v);
  if (m) return m[1];
  if (bareIsGroup && /^(?:default\/)?[a-z0-9][a-z0-9._-]*$/.test(v)) {
    return v.replace(/^default\//, '');
  }
  return undefined;
}

/** The team a resource object declares as its owner (1-3 above), if any. */
export function declaredOwningTeam(object: unknown): string | undefined {
  const o = (object ?? {}) as {
    metadata?: { annotations?: Record<string, unknown> };
    spec?: { owner?: unknown; teamRef?: { name?: unknown } };
  };
  return (
    groupName(o.metadata?.annotations?.[ANNOTATION_OWNER], true) ??
    groupName(o.spec?.owner, false) ??
    groupName(o.spec?.teamRef?.name, true)
  );
}

/** The person a resource object names as its owner: spec.owner when it is an email. */
export function personalOwner(object: unknown): string | undefined {
  const owner = (object as { spec?: { owner?: unknown } } | null)?.spec?.owner;
  if (typeof owner !== 'string') return undefined;
  const v = owner.trim().toLowerCase();
  // one @, something either side, no spaces: an email, never a Group ref
  return /^[^\s@]+@[^\s@]+$/.test(v) ? v : undefined;
}

/** The ownership of a resource object, its place taken from the object or else from `where`. */
export function ownershipOf(
  object: unknown,
  where: { kind?: string; namespace: string; name?: string },
): GitopsResourceOwnership {
  const o = object as {
    kind?: unknown;
    metadata?: { namespace?: unknown };
  } | null;
  const metadata = o?.metadata;
  const kind = typeof o?.kind === 'string' && o.kind ? o.kind : where.kind;
  const namespace =
    typeof metadata?.namespace === 'string' && metadata.namespace
      ? metadata.namespace
      : where.namespace;
  const team = declaredOwningTeam(object);
  const owner = personalOwner(object);
  return {
    ...where,
    ...(kind && { kind }),
    namespace,
    ...(team && { team }),
    ...(owner && { owner }),
  };
}

const stringList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];

/** Whether the rule holds for one file. An unknown rule never holds (fail closed). */
export function applyGitopsResourceRule(
  rule: string,
  params: Record<string, unknown> | undefined,
  resource: GitopsResourceOwnership,
): boolean {
  switch (rule) {
    case GITOPS_RESOURCE_RULES.isOwningTeamMember:
      return resource.team
        ? stringList(params?.teams).includes(resource.team)
        : stringList(params?.namespaces).includes(resource.namespace);
    case GITOPS_RESOURCE_RULES.hasNoOwningTeam: {
      // a deny-list, right only if complete: without a list of names it holds for nothing
      // (read as [] it would make every file in a team's folder everyone's)
      const teamNamespaces = params?.teamNamespaces;
      return (
        Array.isArray(teamNamespaces) &&
        teamNamespaces.every(ns => typeof ns === 'string' && ns !== '') &&
        !resource.team &&
        !teamNamespaces.includes(resource.namespace)
      );
    }
    case GITOPS_RESOURCE_RULES.isFileOwner: {
      const owner = resource.owner?.toLowerCase();
      return (
        !!owner &&
        stringList(params?.owners).some(o => o.toLowerCase() === owner)
      );
    }
    default:
      return false;
  }
}

/**
 * Whether criteria are of the form the permission framework sends: non-empty anyOf / allOf,
 * `not`, and leaves of `resourceType` whose rule is one of `rules`. Anything else is refused as
 * a whole: a leaf taken for false under `not` would read as true.
 */
function wellFormed(
  c: unknown,
  resourceType: string,
  rules: readonly string[],
): boolean {
  if (!c || typeof c !== 'object') return false;
  const node = c as Record<string, unknown>;
  for (const key of ['allOf', 'anyOf'] as const) {
    if (key in node) {
      const list = node[key];
      return (
        Array.isArray(list) &&
        list.length > 0 &&
        list.every(x => wellFormed(x, resourceType, rules))
      );
    }
  }
  if ('not' in node) return wellFormed(node.not, resourceType, rules);
  return (
    node.resourceType === resourceType &&
    typeof node.rule === 'string' &&
    rules.includes(node.rule)
  );
}

/**
 * Evaluates a conditional decision's criteria (allOf / anyOf / not) against one resource, with
 * the rules of one resource type (`rules`: their names, `apply`: one rule on the resource).
 * Fails closed: criteria naming an unknown rule or another resource type anywhere, even under
 * `not`, or with an empty anyOf / allOf, hold for nothing. Shared by every plugin that applies
 * conditions to resources in hand.
 */
export function matchesPermissionCriteria(
  criteria: PermissionCriteria<PermissionCondition>,
  resourceType: string,
  rules: readonly string[],
  apply: (rule: string, params: Record<string, unknown> | undefined) => boolean,
): boolean {
  if (!wellFormed(criteria, resourceType, rules)) return false;
  const match = (c: PermissionCriteria<PermissionCondition>): boolean => {
    if ('allOf' in c) return c.allOf.every(match);
    if ('anyOf' in c) return c.anyOf.some(match);
    if ('not' in c) return !match(c.not);
    return apply(c.rule, c.params as Record<string, unknown> | undefined);
  };
  return match(criteria);
}

/** Evaluates a conditional decision's criteria against one GitOps file. */
export function matchesGitopsResource(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: GitopsResourceOwnership,
): boolean {
  return matchesPermissionCriteria(
    criteria,
    GITOPS_RESOURCE_RESOURCE_TYPE,
    Object.values(GITOPS_RESOURCE_RULES),
    (rule, params) => applyGitopsResourceRule(rule, params, resource),
  );
}
