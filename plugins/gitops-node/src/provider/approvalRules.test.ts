import { Review } from './types';
import { evaluateApproval, OwnerDirectory } from './approvalRules';
import { parseCodeOwners } from './codeOwners';

const HEAD = 'b'.repeat(40);
const OLD = 'a'.repeat(40);

const directory: OwnerDirectory = {
  isMember: async (user, group) =>
    user === 'user:default/bob' && group === 'group:default/platform-team',
  isGroup: async ref => ref === 'group:default/platform-team',
  resolveEmail: async email =>
    email === 'ops@example.com' ? 'user:default/ops' : undefined,
};

let nextId = 0;
function review(
  author: string,
  decision: Review['decision'],
  commitSha = HEAD,
): Review {
  nextId++;
  return {
    id: String(nextId),
    author: `user:default/${author}`,
    decision,
    commitSha,
    submittedAt: '2026-01-01T00:00:00Z',
  };
}

function evaluate(
  reviews: Review[],
  overrides: Partial<Parameters<typeof evaluateApproval>[0]> = {},
) {
  return evaluateApproval({
    reviews,
    headSha: HEAD,
    authorRef: 'user:default/alice',
    paths: ['workspaces/a/x.yaml'],
    codeOwners: [],
    policy: { requiredApprovals: 1, allowSelfApproval: false },
    directory,
    ...overrides,
  });
}

describe('evaluateApproval', () => {
  it('counts distinct approvers on the current head', async () => {
    const result = await evaluate([
      review('bob', 'approve', OLD),
      review('carol', 'approve'),
      review('carol', 'approve'),
    ]);
    expect(result.state).toEqual({
      approved: true,
      required: 1,
      received: 1,
      missingOwners: [],
    });
    const stale = await evaluate([review('bob', 'approve', OLD)]);
    expect(stale.state).toMatchObject({ approved: false, received: 0 });
  });

  it('ignores the author unless self-approval is allowed', async () => {
    const own = [review('alice', 'approve')];
    expect((await evaluate(own)).state.approved).toBe(false);
    expect(
      (
        await evaluate(own, {
          policy: { requiredApprovals: 1, allowSelfApproval: true },
        })
      ).state.approved,
    ).toBe(true);
  });

  it('treats a reviewer’s latest decision as their stance; comments do not change it', async () => {
    const blocked = await evaluate([
      review('bob', 'approve'),
      review('carol', 'request_changes', OLD),
      review('carol', 'comment'),
    ]);
    expect(blocked.changesRequestedBy).toEqual(['user:default/carol']);
    expect(blocked.state.approved).toBe(false);
    const cleared = await evaluate([
      review('bob', 'approve'),
      review('carol', 'request_changes'),
      review('carol', 'approve'),
    ]);
    expect(cleared.changesRequestedBy).toEqual([]);
    expect(cleared.state).toMatchObject({ approved: true, received: 2 });
    const withdrawn = await evaluate([
      review('bob', 'approve'),
      review('bob', 'request_changes'),
    ]);
    expect(withdrawn.state).toMatchObject({ approved: false, received: 0 });
  });

  it('requires a code owner of each owned path, resolving users, groups, teams and emails', async () => {
    const codeOwners = parseCodeOwners(
      [
        '*  @platform-team',
        'workspaces/ @guest',
        'docs/ ops@example.com unknown@example.com',
        'infra/ @acme/infra',
        'free/',
      ].join('\n'),
    );
    const paths = [
      'README.md',
      'workspaces/a/x.yaml',
      'docs/x.md',
      'infra/main.tf',
      'free/x',
    ];
    const none = await evaluate([], { codeOwners, paths });
    expect(none.state.missingOwners).toEqual([
      'group:default/infra',
      'group:default/platform-team',
      'user:default/guest',
      'user:default/ops',
    ]);
    const some = await evaluate(
      [
        review('bob', 'approve'),
        review('guest', 'approve'),
        review('ops', 'approve'),
      ],
      {
        codeOwners,
        paths,
      },
    );
    expect(some.state).toMatchObject({
      approved: false,
      received: 3,
      missingOwners: ['group:default/infra'],
    });
    // an owner who is the author does not satisfy the rule without self-approval
    const byAuthor = await evaluate([review('guest', 'approve')], {
      codeOwners,
      paths: ['workspaces/x.yaml'],
      authorRef: 'user:default/guest',
    });
    expect(byAuthor.state.missingOwners).toEqual(['user:default/guest']);
  });

  it('reads a bare @name as a user when the directory knows no such group', async () => {
    const codeOwners = parseCodeOwners('* @dana\n');
    const missing = await evaluate([review('carol', 'approve')], {
      codeOwners,
    });
    expect(missing.state.missingOwners).toEqual(['user:default/dana']);
    const ok = await evaluate([review('Dana', 'approve')], { codeOwners });
    expect(ok.state.approved).toBe(true);
  });
});
