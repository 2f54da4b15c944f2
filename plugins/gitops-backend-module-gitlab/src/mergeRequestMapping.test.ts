import {
  approvalStateOf,
  changedPathsOf,
  checksOf,
  describeActor,
  gitlabMergeability,
  readRequesterMarker,
  requesterMarker,
  type GitlabMergeRequest,
} from './mergeRequestMapping';

const user = (id: number, username: string) => ({
  id,
  username,
  name: username,
});

describe('approvalStateOf', () => {
  it('follows the Premium counts and names missing CODEOWNERS rules', () => {
    expect(
      approvalStateOf(
        {
          approved: false,
          approvals_required: 2,
          approvals_left: 1,
          approved_by: [{ user: user(1, 'bob') }],
          approval_rules_left: [
            { id: 1, name: 'workspaces/', rule_type: 'code_owner' },
            { id: 2, name: 'All Members', rule_type: 'any_approver' },
          ],
        },
        5,
      ),
    ).toEqual({
      approved: false,
      required: 2,
      received: 1,
      missingOwners: ['workspaces/'],
    });
  });

  it('uses the configured requirement on the Free shape or without the endpoint', () => {
    const free = { approved: true, approved_by: [{ user: user(1, 'bob') }] };
    expect(approvalStateOf(free, 1)).toEqual({
      approved: true,
      required: 1,
      received: 1,
      missingOwners: [],
    });
    expect(approvalStateOf(free, 2).approved).toBe(false);
    expect(approvalStateOf(undefined, 1)).toEqual({
      approved: false,
      required: 1,
      received: 0,
      missingOwners: [],
    });
  });
});

describe('gitlabMergeability', () => {
  const mr = (over: Partial<GitlabMergeRequest>): GitlabMergeRequest =>
    ({ state: 'opened', has_conflicts: false, ...over } as GitlabMergeRequest);

  it.each([
    ['mergeable', { mergeable: true }],
    ['checking', {}],
    ['conflict', { mergeable: false, reason: 'conflict' }],
    ['not_approved', { mergeable: false, reason: 'not_approved' }],
    ['ci_must_pass', { mergeable: false, reason: 'checks_failed' }],
    ['draft_status', { mergeable: false, reason: 'draft' }],
    [
      'discussions_not_resolved',
      { mergeable: false, reason: 'discussions_not_resolved' },
    ],
  ])('maps detailed_merge_status %s', (status, expected) => {
    expect(gitlabMergeability(mr({ detailed_merge_status: status }))).toEqual(
      expected,
    );
  });

  it('falls back to merge_status on older GitLab and trusts has_conflicts', () => {
    expect(gitlabMergeability(mr({ merge_status: 'can_be_merged' }))).toEqual({
      mergeable: true,
    });
    expect(
      gitlabMergeability(mr({ merge_status: 'cannot_be_merged' })),
    ).toEqual({ mergeable: false, reason: 'conflict' });
    expect(gitlabMergeability(mr({ merge_status: 'unchecked' }))).toEqual({});
    expect(
      gitlabMergeability(
        mr({ has_conflicts: true, detailed_merge_status: 'mergeable' }),
      ).reason,
    ).toBe('conflict');
    expect(gitlabMergeability(mr({ state: 'closed' }))).toEqual({
      mergeable: false,
      reason: 'closed',
    });
  });
});

describe('checksOf', () => {
  it('keeps the newest status per name and maps GitLab states', () => {
    expect(
      checksOf([
        {
          id: 1,
          name: 'validate',
          status: 'running',
          created_at: '2025-01-01T00:00:01Z',
        },
        {
          id: 2,
          name: 'validate',
          status: 'failed',
          created_at: '2025-01-01T00:00:02Z',
          description: 'bad',
        },
        {
          id: 3,
          name: 'sync',
          status: 'canceled',
          created_at: '2025-01-01T00:00:03Z',
        },
        {
          id: 4,
          name: 'lint',
          status: 'success',
          created_at: '2025-01-01T00:00:03Z',
          target_url: 'https://ci',
        },
      ]),
    ).toEqual([
      {
        context: 'validate',
        state: 'failure',
        description: 'bad',
        targetUrl: undefined,
      },
      {
        context: 'sync',
        state: 'error',
        description: undefined,
        targetUrl: undefined,
      },
      {
        context: 'lint',
        state: 'success',
        description: undefined,
        targetUrl: 'https://ci',
      },
    ]);
  });
});

describe('changedPathsOf', () => {
  it('splits a rename into a delete and an add', () => {
    expect(
      changedPathsOf([
        {
          old_path: 'a',
          new_path: 'a',
          new_file: true,
          renamed_file: false,
          deleted_file: false,
        },
        {
          old_path: 'b',
          new_path: 'c',
          new_file: false,
          renamed_file: true,
          deleted_file: false,
        },
        {
          old_path: 'd',
          new_path: 'd',
          new_file: false,
          renamed_file: false,
          deleted_file: true,
        },
        {
          old_path: 'e',
          new_path: 'e',
          new_file: false,
          renamed_file: false,
          deleted_file: false,
        },
      ]),
    ).toEqual([
      { path: 'a', status: 'added' },
      { path: 'b', status: 'deleted' },
      { path: 'c', status: 'added' },
      { path: 'd', status: 'deleted' },
      { path: 'e', status: 'modified' },
    ]);
  });
});

describe('requester marker', () => {
  it('round-trips and cannot be closed early by a hostile name', () => {
    const actor = {
      userRef: 'user:default/eve',
      name: 'Eve --> <b>@all</b>',
      email: 'eve@example.com',
    };
    const marker = requesterMarker(actor);
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(readRequesterMarker(`text\n\n${marker}`)).toEqual(actor);
    expect(readRequesterMarker('no marker')).toBeUndefined();
    expect(
      readRequesterMarker('<!-- butler-portal:requester {broken} -->'),
    ).toBeUndefined();
  });

  it('describes an actor without mentions or line breaks', () => {
    expect(
      describeActor({ name: 'Eve\n@all', userRef: 'user:default/eve' }),
    ).toBe('Eve @\u200ball (`user:default/eve`)');
  });
});
