/*
 * Who may do what, per permission the portal declares (the *-common packages). One row per
 * permission, so that the README's table, the policy and the role × action test read the same
 * source; a portal permission without a row is refused (and a test fails) rather than allowed.
 *
 *   read       every signed-in user who is not disabled
 *   teamRole   a platform admin, or a user with one of `roles` in at least one team
 *   workspace  conditional: the workspace's owner, or a member of its owning team with one of
 *              `roles` (rules in butler-common's permissionRules)
 *   cluster    conditional: a member of the tenant cluster's team with one of `roles`; with
 *              `list`, a user in no team gets a condition no cluster meets (an empty list, 404
 *              for one) rather than a refusal (403), as reading is what a newcomer does first
 *   team       conditional: a member of the team (the team list and pages); none → empty
 *   owningTeam conditional: one of `roles` in the team owning each GitOps file the action
 *              touches (declared owner, else the namespace's team; gitops-common's
 *              permissionRules), applied by the backend `pluginId`; with `read`, also the
 *              files no team owns (HAS_NO_OWNING_TEAM) for everyone, and platform viewers
 *   platform   platform admins only
 * Platform admins are allowed everything; platform viewers every `read`, team read and the
 * workspace and cluster rows marked `read`.
 */
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogIngestionManagePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  butlerAddonReadPermission,
  butlerClusterKubeconfigPermission,
  butlerClusterReadPermission,
  butlerClusterTerminalPermission,
  butlerClusterTerminalWritePermission,
  butlerTeamReadPermission,
  butlerWorkspaceOperatePermission,
  butlerWorkspaceReadPermission,
  butlerWorkspaceTerminalPermission,
  butlerWorkspaceTerminalWritePermission,
  type TeamRole,
} from '@butler-portal/plugin-butler-common';
import {
  gitopsChangeClosePermission,
  gitopsChangeCreatePermission,
  gitopsChangeMergePermission,
  gitopsChangeReviewPermission,
  gitopsResourceReadPermission,
} from '@butler-portal/plugin-gitops-common';
import {
  pipelineChangeCreatePermission,
  pipelineReadPermission,
} from '@butler-portal/plugin-pipeline-common';
import {
  registryReadPermission,
  registryTokenCreatePermission,
  registryTokenRevokePermission,
} from '@butler-portal/plugin-registry-common';

export type PortalRule =
  | { kind: 'read' }
  | { kind: 'teamRole'; roles: readonly TeamRole[] }
  | { kind: 'workspace'; roles: readonly TeamRole[]; read: boolean }
  | {
      kind: 'cluster';
      roles: readonly TeamRole[];
      read: boolean;
      list?: boolean;
    }
  | { kind: 'team'; roles: readonly TeamRole[] }
  | {
      kind: 'owningTeam';
      roles: readonly TeamRole[];
      pluginId: string;
      /** reading: platform viewers too, and files no team owns for everyone */
      read?: boolean;
    }
  | { kind: 'platform' };

const WRITERS: readonly TeamRole[] = ['admin', 'operator'];
const ADMINS: readonly TeamRole[] = ['admin'];
const MEMBERS: readonly TeamRole[] = ['admin', 'operator', 'viewer'];

/** permission name → rule */
export const PORTAL_RULES: ReadonlyMap<string, PortalRule> = new Map<
  string,
  PortalRule
>([
  // Butler runtime: workspaces per owner and owning team; clusters, addons, teams per team
  [
    butlerWorkspaceReadPermission.name,
    { kind: 'workspace', roles: MEMBERS, read: true },
  ],
  [
    butlerWorkspaceOperatePermission.name,
    { kind: 'workspace', roles: WRITERS, read: false },
  ],
  // the terminal: members of the owning team watch (read-only), the owner and writers type
  [
    butlerWorkspaceTerminalPermission.name,
    { kind: 'workspace', roles: MEMBERS, read: true },
  ],
  [
    butlerWorkspaceTerminalWritePermission.name,
    { kind: 'workspace', roles: WRITERS, read: false },
  ],
  // a tenant cluster's terminal: its team's members watch, admins and operators type
  [
    butlerClusterTerminalPermission.name,
    { kind: 'cluster', roles: MEMBERS, read: true },
  ],
  [
    butlerClusterTerminalWritePermission.name,
    { kind: 'cluster', roles: WRITERS, read: false },
  ],
  // a tenant cluster's kubeconfig: the whole cluster's credentials, its team's admins and operators
  [
    butlerClusterKubeconfigPermission.name,
    { kind: 'cluster', roles: WRITERS, read: false },
  ],
  // reading: the clusters of one's teams (an addon is judged by its cluster), one's teams
  [
    butlerClusterReadPermission.name,
    { kind: 'cluster', roles: MEMBERS, read: true, list: true },
  ],
  [
    butlerAddonReadPermission.name,
    { kind: 'cluster', roles: MEMBERS, read: true, list: true },
  ],
  [butlerTeamReadPermission.name, { kind: 'team', roles: MEMBERS }],
  // GitOps: a team's members read its files (and everyone the files no team owns); operators
  // propose; team admins review, merge, close
  [
    gitopsResourceReadPermission.name,
    { kind: 'owningTeam', roles: MEMBERS, pluginId: 'gitops', read: true },
  ],
  // ... in the team that owns the file being changed, not in any team
  [
    gitopsChangeCreatePermission.name,
    { kind: 'owningTeam', roles: WRITERS, pluginId: 'gitops' },
  ],
  [
    gitopsChangeReviewPermission.name,
    { kind: 'owningTeam', roles: ADMINS, pluginId: 'gitops' },
  ],
  [
    gitopsChangeMergePermission.name,
    { kind: 'owningTeam', roles: ADMINS, pluginId: 'gitops' },
  ],
  [
    gitopsChangeClosePermission.name,
    { kind: 'owningTeam', roles: ADMINS, pluginId: 'gitops' },
  ],
  // Herald pipelines
  [
    pipelineReadPermission.name,
    { kind: 'owningTeam', roles: MEMBERS, pluginId: 'gitops', read: true },
  ],
  // a pipeline is a GitOps file: its owning team (spec.owner), else its namespace's team
  [
    pipelineChangeCreatePermission.name,
    { kind: 'owningTeam', roles: WRITERS, pluginId: 'gitops' },
  ],
  // Keeper: a registry is shared by every team (artifacts are read and depended on across
  // teams), so reading it is everyone's; tokens for CI are an operator's tool
  [registryReadPermission.name, { kind: 'read' }],
  // per namespace the token reaches: a writer of its team creates; revoking someone else's
  // token takes an admin of the team of every namespace it reaches (one's own: always)
  [
    registryTokenCreatePermission.name,
    { kind: 'owningTeam', roles: WRITERS, pluginId: 'registry' },
  ],
  [
    registryTokenRevokePermission.name,
    { kind: 'owningTeam', roles: ADMINS, pluginId: 'registry' },
  ],
  // Backstage's catalog writes: entities come from Git and the management cluster through the
  // providers (service credentials, not the policy), so registering or unregistering by hand,
  // and managing the providers' ingestion, is the platform's
  [catalogEntityCreatePermission.name, { kind: 'platform' }],
  [catalogEntityDeletePermission.name, { kind: 'platform' }],
  [catalogLocationCreatePermission.name, { kind: 'platform' }],
  [catalogLocationDeletePermission.name, { kind: 'platform' }],
  [catalogIngestionManagePermission.name, { kind: 'platform' }],
]);

/** Prefixes of the permissions the portal declares (a name with one and no row is refused). */
export const PORTAL_PERMISSION_PREFIXES = [
  'butler.',
  'gitops.',
  'pipeline.',
  'registry.',
];
