import {
  BUTLER_WORKSPACE_RESOURCE_TYPE,
  butlerWorkspaceConditions,
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
