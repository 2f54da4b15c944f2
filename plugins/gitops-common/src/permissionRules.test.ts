import {
  ANNOTATION_OWNER,
  declaredOwningTeam,
  gitopsResourceConditions,
  matchesGitopsResource,
  ownershipOf,
  personalOwner,
  type GitopsResourceCondition,
} from './index';

describe('the owning team of a GitOps file', () => {
  it('is the owner annotation, a Group spec.owner, spec.teamRef, in this order', () => {
    expect(
      declaredOwningTeam({
        metadata: { annotations: { [ANNOTATION_OWNER]: 'group:default/team-b' } },
        spec: { owner: 'group:default/team-c', teamRef: { name: 'team-d' } },
      }),
    ).toBe('team-b');
    expect(declaredOwningTeam({ spec: { owner: 'group:default/Team-C' } })).toBe('team-c');
    expect(declaredOwningTeam({ spec: { teamRef: { name: 'team-d' } } })).toBe('team-d');
    // a person's email or a user names no team; then the namespace decides
    expect(declaredOwningTeam({ spec: { owner: 'alice@example.com' } })).toBeUndefined();
    expect(declaredOwningTeam({ spec: { owner: 'user:default/alice' } })).toBeUndefined();
    expect(declaredOwningTeam(null)).toBeUndefined();
  });

  it('takes kind and namespace from the object, else from where the file is', () => {
    expect(
      ownershipOf({ kind: 'Workspace', metadata: { namespace: 'team-a' } }, { kind: 'workspaces', namespace: 'x' }),
    ).toEqual({ kind: 'Workspace', namespace: 'team-a' });
    expect(ownershipOf(null, { namespace: 'team-b' })).toEqual({ namespace: 'team-b' });
  });

  it('decides by the declared team, else by the namespace; unknown rules never hold', () => {
    const condition = gitopsResourceConditions.isOwningTeamMember({ teams: ['team-a'], namespaces: ['ns-a'] });
    expect(matchesGitopsResource(condition, { namespace: 'ns-a' })).toBe(true);
    expect(matchesGitopsResource(condition, { namespace: 'ns-b' })).toBe(false);
    expect(matchesGitopsResource(condition, { namespace: 'ns-a', team: 'team-b' })).toBe(false);
    expect(matchesGitopsResource(condition, { namespace: 'ns-b', team: 'team-a' })).toBe(true);
    expect(matchesGitopsResource({ not: condition }, { namespace: 'ns-a' })).toBe(false);
    expect(
      matchesGitopsResource({ ...condition, rule: 'SOMETHING_ELSE' }, { namespace: 'ns-a' }),
    ).toBe(false);
  });

  it('fails closed on criteria it does not understand, whatever wraps them', () => {
    const member = gitopsResourceConditions.isOwningTeamMember({ teams: ['team-a'], namespaces: ['ns-a'] });
    const unknownRule = { ...member, rule: 'SOMETHING_ELSE' };
    const otherType = { ...member, resourceType: 'butler-workspace' };
    const file = { namespace: 'ns-b' };
    // under `not`, an unknown leaf would read as true: the whole criteria hold for nothing
    for (const criteria of [
      { not: unknownRule },
      { not: otherType },
      { not: { not: { not: unknownRule } } },
      { anyOf: [{ not: member }, unknownRule] },
      { allOf: [{ not: member }, { not: unknownRule }] },
      { anyOf: [] },
      { allOf: [] },
      { not: { allOf: [] } },
      { not: { anyOf: [] } },
      { anyOf: [{ not: member }, { allOf: [] }] },
      { not: null },
      {},
    ]) {
      expect([criteria, matchesGitopsResource(criteria as any, file)]).toEqual([criteria, false]);
    }
    // the same criteria without the unknown part hold
    expect(matchesGitopsResource({ not: member }, file)).toBe(true);
    expect(matchesGitopsResource({ allOf: [{ not: member }] }, file)).toBe(true);
  });
});

describe('a GitOps file without an owning team', () => {
  const condition = gitopsResourceConditions.hasNoOwningTeam({ teamNamespaces: ['ns-a', 'ns-b'] });

  it('holds for a file that declares no team, in a namespace no team has', () => {
    expect(matchesGitopsResource(condition, { namespace: 'commons' })).toBe(true);
    expect(matchesGitopsResource(condition, ownershipOf({ spec: { owner: 'alice@example.com' } }, { namespace: 'platform' }))).toBe(true);
  });

  it("does not hold for a team's namespace or a declared team", () => {
    expect(matchesGitopsResource(condition, { namespace: 'ns-a' })).toBe(false);
    expect(matchesGitopsResource(condition, { namespace: 'commons', team: 'team-z' })).toBe(false);
  });

  it('holds for nothing without a well-formed list of the teams\' namespaces (a deny-list must be complete)', () => {
    for (const params of [undefined, {}, { teamNamespaces: 'ns-a' }, { teamNamespaces: [1] }, { teamNamespaces: [''] }]) {
      expect([params, matchesGitopsResource({ ...condition, params } as any, { namespace: 'commons' })]).toEqual([
        params,
        false,
      ]);
    }
    // an empty list is a real answer (no team exists): every undeclared file is nobody's
    const noTeams = gitopsResourceConditions.hasNoOwningTeam({ teamNamespaces: [] });
    expect(matchesGitopsResource(noTeams, { namespace: 'commons' })).toBe(true);
    expect(matchesGitopsResource(noTeams, { namespace: 'commons', team: 'team-z' })).toBe(false);
  });

  it('combines with the membership rule: a team member reads their files and the unowned ones', () => {
    const read = {
      anyOf: [gitopsResourceConditions.isOwningTeamMember({ teams: ['team-a'], namespaces: ['ns-a'] }), condition] as [
        GitopsResourceCondition,
        GitopsResourceCondition,
      ],
    };
    expect(matchesGitopsResource(read, { namespace: 'ns-a' })).toBe(true);
    expect(matchesGitopsResource(read, { namespace: 'commons' })).toBe(true);
    expect(matchesGitopsResource(read, { namespace: 'ns-b' })).toBe(false);
    expect(matchesGitopsResource(read, { namespace: 'ns-a', team: 'team-b' })).toBe(false);
  });
});

describe('the person who owns a GitOps file', () => {
  const condition = gitopsResourceConditions.isFileOwner({ owners: ['Oscar@Example.com', 'o.scar@corp.example'] });

  it("is spec.owner when it is an email (a Workspace's owner), lower-cased; a Group or user ref is none", () => {
    const workspace = { kind: 'Workspace', metadata: { namespace: 'team-a' }, spec: { owner: 'OSCAR@example.com' } };
    expect(ownershipOf(workspace, { namespace: 'x' })).toEqual({
      kind: 'Workspace',
      namespace: 'team-a',
      owner: 'oscar@example.com',
    });
    expect(personalOwner({ spec: { owner: 'group:default/team-a' } })).toBeUndefined();
    expect(personalOwner({ spec: { owner: 'user:default/oscar' } })).toBeUndefined();
    expect(personalOwner({ spec: { owner: 'not an@email' } })).toBeUndefined();
    expect(personalOwner({ spec: {} })).toBeUndefined();
    expect(personalOwner(null)).toBeUndefined();
  });

  it("holds for a file whose owner is one of the user's emails, whatever its team", () => {
    const file = ownershipOf({ spec: { owner: 'oscar@example.com' } }, { kind: 'Workspace', namespace: 'ns-b' });
    expect(matchesGitopsResource(condition, file)).toBe(true);
    expect(matchesGitopsResource(condition, { ...file, team: 'team-b' })).toBe(true);
    expect(matchesGitopsResource(condition, { ...file, owner: 'nina@example.com' })).toBe(false);
    // a file naming no person, and a condition naming no email, hold for nobody
    expect(matchesGitopsResource(condition, { namespace: 'ns-b' })).toBe(false);
    expect(matchesGitopsResource(gitopsResourceConditions.isFileOwner({ owners: [] }), file)).toBe(false);
  });

  it("lets the owner read their file beside their teams' files, not the rest of that team's", () => {
    const read = {
      anyOf: [
        gitopsResourceConditions.isOwningTeamMember({ teams: ['team-a'], namespaces: ['ns-a'] }),
        condition,
      ] as [GitopsResourceCondition, GitopsResourceCondition],
    };
    expect(matchesGitopsResource(read, { namespace: 'ns-b', owner: 'oscar@example.com' })).toBe(true);
    expect(matchesGitopsResource(read, { namespace: 'ns-b', owner: 'nina@example.com' })).toBe(false);
    expect(matchesGitopsResource(read, { namespace: 'ns-b' })).toBe(false);
  });
});
