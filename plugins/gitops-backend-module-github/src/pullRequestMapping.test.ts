import {
  appendActorTrailer,
  computeApproval,
  computeMergeability,
  latestDecisiveReviews,
  parseActorTrailer,
  toChangedPaths,
  toChecks,
  toReview,
} from './pullRequestMapping';

const jane = {
  userRef: 'user:default/jane',
  name: 'Jane Doe',
  email: 'jane@example.com',
};

function review(
  id: number,
  login: string,
  state: string,
  commitId = 'head',
  submittedAt = '2024-01-01T00:00:00Z',
) {
  return {
    id,
    user: { login },
    state,
    commit_id: commitId,
    body: '',
    submitted_at: submittedAt,
  } as any;
}

describe('actor trailer', () => {
  it('round-trips the requester through the pull-request body', () => {
    const body = appendActorTrailer('Adds a workspace.', 'Requested', jane);
    expect(body).toBe(
      'Adds a workspace.\n\n---\nRequested by Jane Doe <jane@example.com> (user:default/jane) via Butler Portal',
    );
    expect(parseActorTrailer(body)).toEqual({
      text: 'Adds a workspace.',
      actor: jane,
    });
    expect(parseActorTrailer(appendActorTrailer('', 'Reviewed', jane))).toEqual(
      { text: '', actor: jane },
    );
    expect(parseActorTrailer('Written by hand')).toEqual({
      text: 'Written by hand',
    });
    expect(parseActorTrailer(null)).toEqual({ text: '' });
  });
});

describe('reviews', () => {
  it("keeps each reviewer's latest decision; comments do not change it, dismissal clears it", () => {
    const latest = latestDecisiveReviews([
      review(1, 'bob', 'CHANGES_REQUESTED'),
      review(2, 'bob', 'APPROVED'),
      review(3, 'bob', 'COMMENTED'),
      review(4, 'carol', 'APPROVED'),
      review(5, 'carol', 'DISMISSED'),
    ]);
    expect(latest.map(r => r.id)).toEqual([2]);
  });

  it('maps submitted reviews and drops pending and dismissed ones', () => {
    expect(toReview(review(1, 'bob', 'APPROVED'))).toEqual({
      id: '1',
      author: 'bob',
      decision: 'approve',
      comment: undefined,
      commitSha: 'head',
      submittedAt: '2024-01-01T00:00:00Z',
    });
    expect(
      toReview(review(2, 'bob', 'PENDING', 'head', undefined as any)),
    ).toBeUndefined();
    expect(toReview(review(3, 'bob', 'DISMISSED'))).toBeUndefined();
  });
});

describe('computeApproval', () => {
  const base = {
    headSha: 'head',
    requiredApprovals: 1,
    requireCodeOwnerReviews: false,
    ownersByPath: new Map<string, string[]>(),
    ownerApproved: async (owner: string, approvers: string[]) =>
      approvers.includes(owner.slice(1)),
  };

  it('counts one approval per reviewer on the current head only', async () => {
    const state = await computeApproval({
      ...base,
      reviews: [
        review(1, 'bob', 'APPROVED', 'old'),
        review(2, 'carol', 'APPROVED'),
        review(3, 'carol', 'APPROVED'),
      ],
    });
    expect(state).toEqual({
      approved: true,
      required: 1,
      received: 1,
      missingOwners: [],
      changesRequested: false,
    });
  });

  it('lists owners whose paths nobody of them approved, and blocks when owners are required', async () => {
    const input = {
      ...base,
      reviews: [review(1, 'bob', 'APPROVED')],
      ownersByPath: new Map([
        ['workspaces/a.yaml', ['@bob']],
        ['pipelines/b.yaml', ['@carol', '@org/team']],
      ]),
    };
    expect(await computeApproval(input)).toMatchObject({
      approved: true,
      missingOwners: ['@carol', '@org/team'],
    });
    expect(
      await computeApproval({ ...input, requireCodeOwnerReviews: true }),
    ).toMatchObject({ approved: false });
  });

  it('is not approved while a reviewer requests changes', async () => {
    const state = await computeApproval({
      ...base,
      reviews: [
        review(1, 'bob', 'APPROVED'),
        review(2, 'carol', 'CHANGES_REQUESTED'),
      ],
    });
    expect(state).toMatchObject({
      approved: false,
      received: 1,
      changesRequested: true,
    });
  });
});

describe('computeMergeability', () => {
  const approval = {
    approved: true,
    required: 1,
    received: 1,
    missingOwners: [],
    changesRequested: false,
  };
  const input = {
    state: 'open' as const,
    draft: false,
    githubMergeable: true,
    approval,
    checks: [],
  };

  it('says why a change cannot merge, in order of what to fix first', () => {
    expect(computeMergeability({ ...input, state: 'merged' })).toEqual({
      mergeable: false,
      reason: 'merged',
    });
    expect(computeMergeability({ ...input, githubMergeable: false })).toEqual({
      mergeable: false,
      reason: 'conflict',
    });
    expect(computeMergeability({ ...input, draft: true })).toEqual({
      mergeable: false,
      reason: 'draft',
    });
    expect(
      computeMergeability({
        ...input,
        approval: { ...approval, approved: false },
      }),
    ).toEqual({
      mergeable: false,
      reason: 'not_approved',
    });
    expect(
      computeMergeability({
        ...input,
        checks: [
          { context: 'v', state: 'error' },
          { context: 'w', state: 'pending' },
        ],
      }),
    ).toEqual({ mergeable: false, reason: 'checks_failed' });
    expect(
      computeMergeability({
        ...input,
        checks: [{ context: 'w', state: 'pending' }],
      }),
    ).toEqual({
      mergeable: false,
      reason: 'checks_pending',
    });
    expect(
      computeMergeability({ ...input, githubMergeableState: 'blocked' }),
    ).toEqual({ mergeable: false, reason: 'blocked' });
    expect(computeMergeability(input)).toEqual({ mergeable: true });
  });

  it('leaves mergeable undefined while GitHub computes conflicts', () => {
    expect(computeMergeability({ ...input, githubMergeable: null })).toEqual({
      mergeable: undefined,
    });
  });

  it('counts only the contexts branch protection requires, a missing one as pending', () => {
    const checks = [{ context: 'optional', state: 'failure' as const }];
    expect(
      computeMergeability({ ...input, checks, requiredContexts: [] }),
    ).toEqual({ mergeable: true });
    expect(
      computeMergeability({ ...input, checks, requiredContexts: ['validate'] }),
    ).toEqual({
      mergeable: false,
      reason: 'checks_pending',
    });
  });
});

describe('toChecks and toChangedPaths', () => {
  it('maps statuses and check runs to commit checks', () => {
    expect(
      toChecks(
        [
          {
            context: 'butler-portal/validate',
            state: 'success',
            description: null,
            target_url: null,
          } as any,
        ],
        [
          {
            name: 'lint',
            status: 'completed',
            conclusion: 'neutral',
            output: { title: 'ok' },
            details_url: null,
            html_url: 'h',
          } as any,
          {
            name: 'test',
            status: 'in_progress',
            conclusion: null,
            output: { title: null },
            details_url: 'd',
            html_url: 'h',
          } as any,
          {
            name: 'e2e',
            status: 'completed',
            conclusion: 'timed_out',
            output: { title: null },
            details_url: null,
            html_url: null,
          } as any,
        ],
      ),
    ).toEqual([
      {
        context: 'butler-portal/validate',
        state: 'success',
        description: undefined,
        targetUrl: undefined,
      },
      { context: 'lint', state: 'success', description: 'ok', targetUrl: 'h' },
      {
        context: 'test',
        state: 'pending',
        description: undefined,
        targetUrl: 'd',
      },
      {
        context: 'e2e',
        state: 'failure',
        description: undefined,
        targetUrl: undefined,
      },
    ]);
  });

  it('turns a rename into a deletion and an addition', () => {
    expect(
      toChangedPaths([
        { filename: 'b.yaml', status: 'renamed', previous_filename: 'a.yaml' },
        { filename: 'c.yaml', status: 'removed' },
        { filename: 'd.yaml', status: 'changed' },
        { filename: 'e.yaml', status: 'unchanged' },
      ]),
    ).toEqual([
      { path: 'a.yaml', status: 'deleted' },
      { path: 'b.yaml', status: 'added' },
      { path: 'c.yaml', status: 'deleted' },
      { path: 'd.yaml', status: 'modified' },
    ]);
  });
});
