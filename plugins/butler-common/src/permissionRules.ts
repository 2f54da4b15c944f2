/*
 * The permission rules of Butler workspaces, declared here (isomorphic) so that the permission
 * policy (which writes conditions) and the butler backend (which applies them to live objects)
 * share one definition: the rule names, their parameters and what they mean. A condition is
 * plain data ({ rule, resourceType, params }), so the policy builds it without importing the
 * backend, and the backend evaluates it without a second round trip to the permission backend.
 *
 * The team role is not a rule of its own: the policy knows the user's role in each team and
 * passes only the teams where that role suffices (e.g. admin and operator for start/stop).
 */
import type {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
// one evaluator of allOf / anyOf / not for every plugin that applies conditions itself
import { matchesPermissionCriteria } from '@butler-portal/plugin-gitops-common';

/** Resource type of a Workspace on the management cluster; resourceRef `<namespace>/<name>`. */
export const BUTLER_WORKSPACE_RESOURCE_TYPE = 'butler-workspace';

/** What the rules look at: the Workspace's place, owner and owning team. */
export interface ButlerWorkspaceResource {
  namespace: string;
  name: string;
  /** `spec.owner`: the owner's email (the CRD: "the email of the Butler user who owns it") */
  owner?: string;
  /** the Team whose `status.namespace` is the workspace's namespace */
  team?: string;
}

/** Rule names (stable: they travel in conditional decisions). */
export const BUTLER_WORKSPACE_RULES = {
  /** the workspace's owner is one of `owners` (emails, compared case-insensitively) */
  isOwner: 'IS_WORKSPACE_OWNER',
  /** the workspace's owning team is one of `teams` */
  isTeamMember: 'IS_MEMBER_OF_OWNING_TEAM',
} as const;

export type ButlerWorkspaceRuleParams = {
  IS_WORKSPACE_OWNER: { owners: string[] };
  IS_MEMBER_OF_OWNING_TEAM: { teams: string[] };
};

export type ButlerWorkspaceCondition = PermissionCondition<
  typeof BUTLER_WORKSPACE_RESOURCE_TYPE
>;

/** Conditions for the policy to return (see createConditionExports for the Backstage pattern). */
export const butlerWorkspaceConditions = {
  isOwner: (params: { owners: string[] }): ButlerWorkspaceCondition => ({
    rule: BUTLER_WORKSPACE_RULES.isOwner,
    resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
    params: { owners: params.owners.map(o => o.toLowerCase()) },
  }),
  isTeamMember: (params: { teams: string[] }): ButlerWorkspaceCondition => ({
    rule: BUTLER_WORKSPACE_RULES.isTeamMember,
    resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
    params: { teams: [...params.teams] },
  }),
};

const stringList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];

/** Whether one rule holds for a workspace. An unknown rule never holds (fail closed). */
export function applyButlerWorkspaceRule(
  rule: string,
  params: Record<string, unknown> | undefined,
  resource: ButlerWorkspaceResource,
): boolean {
  switch (rule) {
    case BUTLER_WORKSPACE_RULES.isOwner: {
      const owner = resource.owner?.toLowerCase();
      return (
        !!owner &&
        stringList(params?.owners).some(o => o.toLowerCase() === owner)
      );
    }
    case BUTLER_WORKSPACE_RULES.isTeamMember:
      return (
        !!resource.team && stringList(params?.teams).includes(resource.team)
      );
    default:
      return false;
  }
}

/** Evaluates a conditional decision's criteria (allOf / anyOf / not) against one workspace. */
export function matchesButlerWorkspace(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: ButlerWorkspaceResource,
): boolean {
  return matchesPermissionCriteria(
    criteria,
    BUTLER_WORKSPACE_RESOURCE_TYPE,
    Object.values(BUTLER_WORKSPACE_RULES),
    (rule, params) => applyButlerWorkspaceRule(rule, params, resource),
  );
}

/**
 * Resource type of a TenantCluster on the management cluster; resourceRef `<namespace>/<name>`.
 * Used by reading a cluster and its addons, and by the permissions that act inside it (terminal,
 * kubeconfig), all decided per cluster by the user's role in the cluster's team.
 */
export const BUTLER_CLUSTER_RESOURCE_TYPE = 'butler-tenant-cluster';

/** What the cluster rules look at. */
export interface ButlerClusterResource {
  namespace: string;
  name: string;
  /** `spec.teamRef.name`, else the Team whose `status.namespace` holds the cluster */
  team?: string;
}

export const BUTLER_CLUSTER_RULES = {
  /** the cluster's team is one of `teams` */
  isTeamMember: 'IS_MEMBER_OF_CLUSTER_TEAM',
} as const;

export type ButlerClusterCondition = PermissionCondition<
  typeof BUTLER_CLUSTER_RESOURCE_TYPE
>;

export const butlerClusterConditions = {
  isTeamMember: (params: { teams: string[] }): ButlerClusterCondition => ({
    rule: BUTLER_CLUSTER_RULES.isTeamMember,
    resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
    params: { teams: [...params.teams] },
  }),
};

/** Evaluates a conditional decision's criteria against one tenant cluster (fails closed). */
export function matchesButlerCluster(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: ButlerClusterResource,
): boolean {
  return matchesPermissionCriteria(
    criteria,
    BUTLER_CLUSTER_RESOURCE_TYPE,
    Object.values(BUTLER_CLUSTER_RULES),
    (rule, params) =>
      rule === BUTLER_CLUSTER_RULES.isTeamMember &&
      !!resource.team &&
      stringList(params?.teams).includes(resource.team),
  );
}

/** Resource type of a Team on the management cluster; resourceRef: the Team's name. */
export const BUTLER_TEAM_RESOURCE_TYPE = 'butler-team';

/** What the team rule looks at. */
export interface ButlerTeamResource {
  name: string;
}

export const BUTLER_TEAM_RULES = {
  /** the team is one of `teams` */
  isTeamMember: 'IS_MEMBER_OF_TEAM',
} as const;

export type ButlerTeamCondition = PermissionCondition<
  typeof BUTLER_TEAM_RESOURCE_TYPE
>;

export const butlerTeamConditions = {
  isTeamMember: (params: { teams: string[] }): ButlerTeamCondition => ({
    rule: BUTLER_TEAM_RULES.isTeamMember,
    resourceType: BUTLER_TEAM_RESOURCE_TYPE,
    params: { teams: [...params.teams] },
  }),
};

/** Evaluates a conditional decision's criteria against one team (fails closed). */
export function matchesButlerTeam(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: ButlerTeamResource,
): boolean {
  return matchesPermissionCriteria(
    criteria,
    BUTLER_TEAM_RESOURCE_TYPE,
    Object.values(BUTLER_TEAM_RULES),
    (rule, params) =>
      rule === BUTLER_TEAM_RULES.isTeamMember &&
      stringList(params?.teams).includes(resource.name),
  );
}
