import {
  BUTLER_CLUSTER_RESOURCE_TYPE,
  BUTLER_WORKSPACE_RESOURCE_TYPE,
  butlerClusterConditions,
  butlerTeamConditions,
  butlerWorkspaceConditions,
  matchesButlerCluster,
  matchesButlerTeam,
  matchesButlerWorkspace,
} from './permissionRules';

const ws = {
  namespace: 'team-a',
  name: 'oscar-dev',
  owner: 'Oscar@Example.com',
  team: 'team-a',
};

describe('workspace permission rules', () => {
  it('matches the owner case-insensitively and the owning team', () => {
    const owner = butlerWorkspaceConditions.isOwner({
      owners: ['oscar@example.com'],
    });
    const team = butlerWorkspaceConditions.isTeamMember({ teams: ['team-a'] });
    expect(matchesButlerWorkspace(owner, ws)).toBe(true);
    expect(matchesButlerWorkspace(team, ws)).toBe(true);
    expect(
      matchesButlerWorkspace(owner, { ...ws, owner: 'bob@example.com' }),
    ).toBe(false);
    expect(matchesButlerWorkspace(team, { ...ws, team: 'team-b' })).toBe(false);
    // no owner, no team: neither rule holds
    expect(matchesButlerWorkspace(owner, { namespace: 'x', name: 'y' })).toBe(
      false,
    );
    expect(matchesButlerWorkspace(team, { namespace: 'x', name: 'y' })).toBe(
      false,
    );
  });

  it('evaluates anyOf, allOf and not', () => {
    const owner = butlerWorkspaceConditions.isOwner({
      owners: ['bob@example.com'],
    });
    const team = butlerWorkspaceConditions.isTeamMember({ teams: ['team-a'] });
    expect(matchesButlerWorkspace({ anyOf: [owner, team] }, ws)).toBe(true);
    expect(matchesButlerWorkspace({ allOf: [owner, team] }, ws)).toBe(false);
    expect(matchesButlerWorkspace({ not: owner }, ws)).toBe(true);
  });

  it('fails closed on an unknown rule, a foreign resource type or malformed params', () => {
    expect(
      matchesButlerWorkspace(
        {
          rule: 'IS_ANYTHING',
          resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
          params: {},
        },
        ws,
      ),
    ).toBe(false);
    expect(
      matchesButlerWorkspace(
        {
          rule: 'IS_MEMBER_OF_OWNING_TEAM',
          resourceType: 'catalog-entity',
          params: { teams: ['team-a'] },
        },
        ws,
      ),
    ).toBe(false);
    expect(
      matchesButlerWorkspace(
        {
          rule: 'IS_WORKSPACE_OWNER',
          resourceType: BUTLER_WORKSPACE_RESOURCE_TYPE,
          params: { owners: 'oscar@example.com' as any },
        },
        ws,
      ),
    ).toBe(false);
  });
});

describe('tenant cluster permission rules', () => {
  const cluster = { namespace: 'team-a', name: 'dev', team: 'team-a' };
  const member = butlerClusterConditions.isTeamMember({ teams: ['team-a'] });

  it("matches a member of the cluster's team only", () => {
    expect(matchesButlerCluster(member, cluster)).toBe(true);
    expect(matchesButlerCluster(member, { ...cluster, team: 'team-b' })).toBe(
      false,
    );
    // a cluster no team owns is nobody's
    expect(matchesButlerCluster(member, { namespace: 'x', name: 'y' })).toBe(
      false,
    );
    expect(matchesButlerCluster({ not: member }, cluster)).toBe(false);
  });

  it('fails closed on a workspace condition, an unknown rule or malformed params', () => {
    // the workspace rule of the same meaning is not the cluster's
    expect(
      matchesButlerCluster(
        butlerWorkspaceConditions.isTeamMember({ teams: ['team-a'] }),
        cluster,
      ),
    ).toBe(false);
    expect(
      matchesButlerCluster(
        {
          rule: 'IS_ANYTHING',
          resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
          params: {},
        },
        cluster,
      ),
    ).toBe(false);
    expect(
      matchesButlerCluster(
        {
          rule: 'IS_MEMBER_OF_CLUSTER_TEAM',
          resourceType: BUTLER_CLUSTER_RESOURCE_TYPE,
          params: { teams: 'team-a' as any },
        },
        cluster,
      ),
    ).toBe(false);
  });
});

describe('team rule', () => {
  it('holds for the teams named, none for an empty list, and fails closed on other rules', () => {
    const member = butlerTeamConditions.isTeamMember({ teams: ['team-a'] });
    expect(matchesButlerTeam(member, { name: 'team-a' })).toBe(true);
    expect(matchesButlerTeam(member, { name: 'team-b' })).toBe(false);
    // a user in no team: the condition names none, so no team is read (an empty list)
    expect(
      matchesButlerTeam(butlerTeamConditions.isTeamMember({ teams: [] }), {
        name: 'team-a',
      }),
    ).toBe(false);
    // the cluster rule of the same meaning is not the team's
    expect(
      matchesButlerTeam(
        butlerClusterConditions.isTeamMember({ teams: ['team-a'] }),
        { name: 'team-a' },
      ),
    ).toBe(false);
  });
});
