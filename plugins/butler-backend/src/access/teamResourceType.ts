/*
 * The team resource type registered with the permission framework (resourceRef: the Team's
 * name), so that a page can ask usePermission({ permission: butlerTeamReadPermission,
 * resourceRef }) and get the answer the team routes give. The rule is declared in butler-common
 * and applied by the same function the routes use.
 */
import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  BUTLER_TEAM_RESOURCE_TYPE,
  BUTLER_TEAM_RULES,
  butlerTeamConditions,
  matchesButlerTeam,
  type ButlerTeamResource,
} from '@butler-portal/plugin-butler-common';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';

type NoQuery = { teams: string[] };

const teamResourceRef = createPermissionResourceRef<
  ButlerTeamResource,
  NoQuery
>().with({ pluginId: 'butler', resourceType: BUTLER_TEAM_RESOURCE_TYPE });

const isMemberOfTeam = createPermissionRule<
  typeof teamResourceRef,
  { teams: string[] }
>({
  name: BUTLER_TEAM_RULES.isTeamMember,
  description: 'The team is one of the given teams',
  resourceRef: teamResourceRef,
  apply: (resource, params) =>
    matchesButlerTeam(butlerTeamConditions.isTeamMember(params), resource),
  toQuery: params => params,
});

export function registerTeamResourceType(
  registry: PermissionsRegistryService,
  inventory: ButlerInventory,
) {
  registry.addResourceType({
    resourceRef: teamResourceRef,
    rules: [isMemberOfTeam],
    async getResources(refs) {
      return refs.map(name =>
        inventory.get('Team', name) ? { name } : undefined,
      );
    },
  });
}
