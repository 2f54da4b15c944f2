import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { Actor, OpenChangeInput } from '@butler-portal/plugin-gitops-node';
import {
  GitlabGitProvider,
  type GitlabGitProviderOptions,
} from './GitlabGitProvider';
import { CHANGES_REQUESTED_MARKER } from './mergeRequestMapping';
import {
  DEFAULT_GITLAB_USERS,
  FakeGitlabServer,
  gitBlobId,
  type FakeGitlabOptions,
} from '@butler-portal/fake-gitlab';

const COMMITS = 'POST /projects/:id/repository/commits';
const CREATE_MR = 'POST /projects/:id/merge_requests';
const DELETE_BRANCH = 'DELETE /projects/:id/repository/branches/:branch';
const MERGE = 'PUT /projects/:id/merge_requests/:iid/merge';
const TREE = 'GET /projects/:id/repository/tree';

const alice: Actor = {
  userRef: 'user:default/alice',
  name: 'Alice Liddell',
  email: 'alice@example.com',
  scmToken: 'alice-token',
};
const bob: Actor = {
  userRef: 'user:default/bob',
  name: 'Bob Builder',
  email: 'bob@example.com',
  scmToken: 'bob-token',
};
/** signed in without a GitLab token: the portal acts through the integration */
const jane: Actor = {
  userRef: 'user:default/jane',
  name: 'Jane Doe',
  email: 'jane@example.com',
};

const WORKSPACE = 'workspaces/team-a/alice-dev.yaml';
const TEMPLATE = 'workspace-templates/team-a/small.yaml';

describe('GitlabGitProvider', () => {
  let server: FakeGitlabServer;
  let sleeps: number[];

  async function start(options: FakeGitlabOptions = {}) {
    server = await FakeGitlabServer.start({
      files: {
        'README.md': '# platform\n',
        [TEMPLATE]: 'kind: WorkspaceTemplate\nmetadata:\n  name: small\n',
      },
      ...options,
    });
  }

  function provider(extra: Partial<GitlabGitProviderOptions> = {}) {
    return new GitlabGitProvider({
      repository: 'platform',
      projectPath: server.projectPath,
      baseUrl: server.baseUrl,
      integrationToken: async () => 'bot-token',
      sleep: async ms => {
        sleeps.push(ms);
      },
      ...extra,
    });
  }

  function change(overrides: Partial<OpenChangeInput> = {}): OpenChangeInput {
    return {
      branch: 'butler/workspace/alice-dev/1a2b3c4d',
      title: 'Create workspace alice-dev',
      description: 'Workspace for Alice.',
      operations: [
        {
          action: 'create',
          path: WORKSPACE,
          content: 'kind: Workspace\nmetadata:\n  name: alice-dev\n',
        },
      ],
      actor: alice,
      ...overrides,
    };
  }

  beforeEach(() => {
    sleeps = [];
  });

  afterEach(async () => {
    await server?.stop();
  });

  describe('openChange', () => {
    it('creates exactly one commit authored by the actor, then the merge request', async () => {
      await start();
      const mainBefore = server.branchHead('main')!;
      const result = await provider().openChange(change());

      const commits = server.requestsTo(COMMITS);
      expect(commits).toHaveLength(1);
      expect(commits[0].user).toBe('alice');
      expect(commits[0].rawPath).toBe(
        '/projects/butler%2Fplatform/repository/commits',
      );
      expect(commits[0].body).toEqual({
        branch: 'butler/workspace/alice-dev/1a2b3c4d',
        commit_message: 'Create workspace alice-dev',
        start_branch: 'main',
        author_name: 'Alice Liddell',
        author_email: 'alice@example.com',
        actions: [
          {
            action: 'create',
            file_path: WORKSPACE,
            content: 'kind: Workspace\nmetadata:\n  name: alice-dev\n',
            encoding: 'text',
          },
        ],
      });

      const created = server.requestsTo(CREATE_MR);
      expect(created).toHaveLength(1);
      expect(created[0].user).toBe('alice');
      expect(created[0].body).toMatchObject({
        source_branch: 'butler/workspace/alice-dev/1a2b3c4d',
        target_branch: 'main',
        title: 'Create workspace alice-dev',
        remove_source_branch: true,
      });
      expect(created[0].body.description).toContain('Workspace for Alice.');
      expect(created[0].body.description).toContain(
        `- create \`${WORKSPACE}\``,
      );

      const head = server.branchHead('butler/workspace/alice-dev/1a2b3c4d')!;
      const commit = server.commit(head)!;
      expect(commit.parent_ids).toEqual([mainBefore]);
      expect(commit.author_name).toBe('Alice Liddell');
      expect(commit.author_email).toBe('alice@example.com');

      expect(result).toMatchObject({
        id: '1',
        number: 1,
        repository: 'platform',
        state: 'open',
        sourceBranch: 'butler/workspace/alice-dev/1a2b3c4d',
        targetBranch: 'main',
        headSha: head,
        baseSha: mainBefore,
        author: { name: 'Alice Liddell', login: 'alice' },
        paths: [WORKSPACE],
        approval: {
          approved: false,
          required: 1,
          received: 0,
          missingOwners: [],
        },
        mergeable: false,
        mergeableReason: 'not_approved',
        url: `${server.baseUrl}/butler/platform/-/merge_requests/1`,
      });
    });

    it('acts through the integration without a user token and names the requester', async () => {
      await start();
      const result = await provider().openChange(change({ actor: jane }));

      const [commit] = server.requestsTo(COMMITS);
      expect(commit.user).toBe('butler-bot');
      expect(commit.body.author_name).toBe('Jane Doe');
      expect(commit.body.author_email).toBe('jane@example.com');
      const [created] = server.requestsTo(CREATE_MR);
      expect(created.user).toBe('butler-bot');
      expect(created.body.description).toContain(
        'Requested by Jane Doe (`user:default/jane`)',
      );
      // GitLab shows the bot as author; the portal reports who asked
      expect(result.author).toEqual({
        name: 'Jane Doe',
        email: 'jane@example.com',
        userRef: 'user:default/jane',
      });
    });

    it('carries update and delete actions in the same single commit', async () => {
      await start();
      server.push('main', { [WORKSPACE]: 'kind: Workspace\nspec: {}\n' });
      const gitlab = provider();
      const opened = await gitlab.openChange(
        change({
          title: 'Edit alice-dev, drop small',
          operations: [
            {
              action: 'update',
              path: WORKSPACE,
              content: 'kind: Workspace\nspec:\n  size: large\n',
            },
            { action: 'delete', path: TEMPLATE },
          ],
        }),
      );

      const commits = server.requestsTo(COMMITS);
      expect(commits).toHaveLength(1);
      expect(commits[0].body.actions).toEqual([
        {
          action: 'update',
          file_path: WORKSPACE,
          content: 'kind: Workspace\nspec:\n  size: large\n',
          encoding: 'text',
        },
        { action: 'delete', file_path: TEMPLATE },
      ]);
      expect(server.fileAt(opened.sourceBranch, WORKSPACE)).toBe(
        'kind: Workspace\nspec:\n  size: large\n',
      );
      expect(server.fileAt(opened.sourceBranch, TEMPLATE)).toBeUndefined();
      expect(opened.paths.sort()).toEqual([TEMPLATE, WORKSPACE].sort());

      const files = await gitlab.getChangeFiles(opened.id);
      expect(files.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        {
          path: TEMPLATE,
          status: 'deleted',
          before: 'kind: WorkspaceTemplate\nmetadata:\n  name: small\n',
          after: undefined,
        },
        {
          path: WORKSPACE,
          status: 'modified',
          before: 'kind: Workspace\nspec: {}\n',
          after: 'kind: Workspace\nspec:\n  size: large\n',
        },
      ]);
    });

    it('bases the commit on baseCommit when given', async () => {
      await start();
      const base = server.branchHead('main')!;
      server.push('main', { 'other.txt': 'x' });
      const opened = await provider().openChange(change({ baseCommit: base }));
      expect(server.requestsTo(COMMITS)[0].body.start_sha).toBe(base);
      expect(server.commit(opened.headSha)!.parent_ids).toEqual([base]);
    });

    it('refuses hostile input before calling GitLab', async () => {
      await start();
      const gitlab = provider();
      await expect(
        gitlab.openChange(
          change({
            operations: [{ action: 'create', path: '../x', content: 'a' }],
          }),
        ),
      ).rejects.toThrow(
        new InputError(
          `operations[0].path: '../x' has an empty, '.' or '..' component`,
        ),
      );
      await expect(
        gitlab.openChange(change({ branch: 'bad..branch' })),
      ).rejects.toThrow(InputError);
      await expect(
        gitlab.openChange(change({ operations: [] })),
      ).rejects.toThrow(
        'operations: a change request needs at least one file operation',
      );
      expect(server.requests.filter(r => r.method !== 'GET')).toHaveLength(0);
    });

    it('reports an existing branch as a conflict and creates nothing', async () => {
      await start();
      server.push('butler/workspace/alice-dev/1a2b3c4d', { 'x.txt': 'x' });
      await expect(provider().openChange(change())).rejects.toThrow(
        ConflictError,
      );
      await expect(provider().openChange(change())).rejects.toThrow(
        /A branch called 'butler\/workspace\/alice-dev\/1a2b3c4d' already exists/,
      );
      // a create of an existing file names the file
      await expect(
        provider().openChange(
          change({
            branch: 'other',
            operations: [{ action: 'create', path: TEMPLATE, content: 'x' }],
          }),
        ),
      ).rejects.toThrow(
        new ConflictError(
          `GitLab refused the commit (create ${TEMPLATE}) on branch other (400): A file with this name already exists`,
        ),
      );
      expect(server.requestsTo(CREATE_MR)).toHaveLength(0);
    });

    it('deletes the new branch when GitLab refuses the merge request (422)', async () => {
      await start();
      server.failNext({
        route: CREATE_MR,
        status: 422,
        body: {
          message: [
            'Source branch "butler/workspace/alice-dev/1a2b3c4d" does not exist',
          ],
        },
      });
      const error = await provider()
        .openChange(change())
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        'GitLab refused opening the merge request for butler/workspace/alice-dev/1a2b3c4d (422): ' +
          'Source branch "butler/workspace/alice-dev/1a2b3c4d" does not exist',
      );
      expect(server.requestsTo(COMMITS)).toHaveLength(1);
      const deletes = server.requestsTo(DELETE_BRANCH);
      expect(deletes).toHaveLength(1);
      expect(deletes[0].params.branch).toBe(
        'butler/workspace/alice-dev/1a2b3c4d',
      );
      expect(
        server.branchHead('butler/workspace/alice-dev/1a2b3c4d'),
      ).toBeUndefined();
    });

    it('opens a merge request for a branch pushed by hand', async () => {
      await start();
      server.push('feature/by-hand', { [WORKSPACE]: 'kind: Workspace\n' });
      const opened = await provider().openChangeFromBranch({
        branch: 'feature/by-hand',
        title: 'By hand',
        description: 'pushed with git',
        actor: alice,
      });
      expect(opened).toMatchObject({
        state: 'open',
        sourceBranch: 'feature/by-hand',
        paths: [WORKSPACE],
      });
      expect(server.requestsTo(COMMITS)).toHaveLength(0);
    });
  });

  describe('review and merge', () => {
    it('approves with the reviewer token and merges the reviewed head', async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(change());

      const review = await gitlab.review(opened.id, {
        decision: 'approve',
        actor: bob,
      });
      expect(review).toMatchObject({
        id: 'approval-3',
        author: 'bob',
        decision: 'approve',
        commitSha: opened.headSha,
      });
      const approve = server.requestsTo(
        'POST /projects/:id/merge_requests/:iid/approve',
      );
      expect(approve).toHaveLength(1);
      expect(approve[0].user).toBe('bob');
      expect(approve[0].body).toEqual({ sha: opened.headSha });

      const approved = (await gitlab.getChange(opened.id))!;
      expect(approved.approval).toEqual({
        approved: true,
        required: 1,
        received: 1,
        missingOwners: [],
      });
      expect(approved.reviews).toEqual([
        expect.objectContaining({ author: 'bob', decision: 'approve' }),
      ]);
      expect(approved.mergeable).toBe(true);

      const merged = await gitlab.merge(opened.id, bob);
      const [mergeCall] = server.requestsTo(MERGE);
      expect(mergeCall.user).toBe('bob');
      expect(mergeCall.body).toEqual({
        sha: opened.headSha,
        should_remove_source_branch: true,
      });
      expect(merged.state).toBe('merged');
      expect(merged.mergeCommitSha).toBe(server.branchHead('main'));
      expect(server.fileAt('main', WORKSPACE)).toContain('alice-dev');
      expect(server.branchHead(opened.sourceBranch)).toBeUndefined();
      expect(merged.mergeable).toBe(false);
      expect(merged.mergeableReason).toBe('merged');
    });

    it('refuses to approve for someone through the integration', async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(change({ actor: jane }));
      await expect(
        gitlab.review(opened.id, { decision: 'approve', actor: jane }),
      ).rejects.toThrow(NotAllowedError);
      expect(
        server.requestsTo('POST /projects/:id/merge_requests/:iid/approve'),
      ).toHaveLength(0);
    });

    it('maps request_changes to a marked note and withdraws the approval', async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(change());
      await gitlab.review(opened.id, { decision: 'approve', actor: bob });

      const review = await gitlab.review(opened.id, {
        decision: 'request_changes',
        comment: 'size must be small',
        actor: bob,
      });
      expect(review).toMatchObject({
        author: 'bob',
        decision: 'request_changes',
        comment: 'size must be small',
      });
      const [note] = server.requestsTo(
        'POST /projects/:id/merge_requests/:iid/notes',
      );
      expect(note.body.body).toBe(
        `${CHANGES_REQUESTED_MARKER}\n\nsize must be small`,
      );
      expect(
        server.requestsTo('POST /projects/:id/merge_requests/:iid/unapprove'),
      ).toHaveLength(1);

      const after = (await gitlab.getChange(opened.id))!;
      expect(after.approval.received).toBe(0);
      expect(after.reviews.map(r => [r.author, r.decision])).toEqual([
        ['bob', 'request_changes'],
      ]);
      expect(after.mergeableReason).toBe('not_approved');
    });

    it('names the requester in notes written through the integration', async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(change());
      const review = await gitlab.review(opened.id, {
        decision: 'request_changes',
        comment: 'please rename',
        actor: jane,
      });
      expect(review.author).toBe('user:default/jane');
      const [note] = server.requestsTo(
        'POST /projects/:id/merge_requests/:iid/notes',
      );
      expect(note.user).toBe('butler-bot');
      expect(note.body.body).toContain(
        `${CHANGES_REQUESTED_MARKER} by Jane Doe (\`user:default/jane\`)`,
      );

      const comment = await gitlab.review(opened.id, {
        decision: 'comment',
        comment: 'looks fine otherwise',
        actor: jane,
      });
      expect(comment.decision).toBe('comment');
      const reviews = (await gitlab.getChange(opened.id))!.reviews;
      expect(reviews.map(r => [r.author, r.decision])).toEqual([
        ['user:default/jane', 'request_changes'],
        ['user:default/jane', 'comment'],
      ]);
      await expect(
        gitlab.review(opened.id, { decision: 'comment', actor: jane }),
      ).rejects.toThrow(InputError);
    });

    it("reads GitLab's reviewer state requested_changes", async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(change());
      server.setReviewerState(1, 'bob-token', 'requested_changes');
      const reviews = (await gitlab.getChange(opened.id))!.reviews;
      expect(reviews).toEqual([
        expect.objectContaining({ author: 'bob', decision: 'request_changes' }),
      ]);

      server.reviewersEndpointMissing = true;
      expect((await gitlab.getChange(opened.id))!.reviews).toEqual([]);
    });

    it('refuses to merge a change with conflicts', async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(
        change({
          operations: [{ action: 'update', path: TEMPLATE, content: 'mine\n' }],
        }),
      );
      await gitlab.review(opened.id, { decision: 'approve', actor: bob });
      server.push('main', { [TEMPLATE]: 'theirs\n' });

      const conflicted = (await gitlab.getChange(opened.id))!;
      expect(conflicted.mergeable).toBe(false);
      expect(conflicted.mergeableReason).toBe('conflict');
      await expect(gitlab.merge(opened.id, bob)).rejects.toThrow(
        new ConflictError('merge request !1 cannot be merged: conflict'),
      );
      expect(server.requestsTo(MERGE)).toHaveLength(0);
    });

    it.each([
      [406, 'Branch cannot be merged'],
      [409, 'SHA does not match HEAD of source branch: 0123abcd'],
      [405, '405 Method Not Allowed'],
    ])(
      "turns a %i from the merge call into a ConflictError with GitLab's message",
      async (status, message) => {
        await start();
        const gitlab = provider();
        const opened = await gitlab.openChange(change());
        await gitlab.review(opened.id, { decision: 'approve', actor: bob });
        server.failNext({ route: MERGE, status, body: { message } });
        const error = await gitlab.merge(opened.id, bob).catch(e => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.message).toBe(
          `GitLab refused merging merge request !1 (${status}): ${message}`,
        );
        expect(server.mergeRequest(1)!.state).toBe('opened');
      },
    );

    it('reports a 401 from the merge call as not allowed', async () => {
      await start({
        users: {
          ...DEFAULT_GITLAB_USERS,
          'alice-token': {
            ...DEFAULT_GITLAB_USERS['alice-token'],
            canMerge: false,
          },
        },
      });
      const gitlab = provider();
      const opened = await gitlab.openChange(change());
      await gitlab.review(opened.id, { decision: 'approve', actor: bob });
      await expect(gitlab.merge(opened.id, alice)).rejects.toThrow(
        NotAllowedError,
      );
    });

    it('closes a change, naming the requester when acting as the integration', async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(change());
      const closed = await gitlab.close(opened.id, jane);
      expect(closed.state).toBe('closed');
      expect(closed.mergeable).toBe(false);
      const [edit] = server.requestsTo('PUT /projects/:id/merge_requests/:iid');
      expect(edit.body).toEqual({ state_event: 'close' });
      expect(
        server.requestsTo('POST /projects/:id/merge_requests/:iid/notes')[0]
          .body.body,
      ).toContain('Closed by Jane Doe');
      await expect(gitlab.merge(opened.id, bob)).rejects.toThrow(
        'merge request !1 is already closed',
      );
    });

    it('lists changes by state', async () => {
      await start();
      const gitlab = provider();
      const first = await gitlab.openChange(change());
      await gitlab.openChange(
        change({
          branch: 'butler/workspace/bob-dev/1',
          operations: [
            {
              action: 'create',
              path: 'workspaces/team-a/bob-dev.yaml',
              content: 'kind: Workspace\n',
            },
          ],
        }),
      );
      await gitlab.close(first.id, alice);

      expect(
        (await gitlab.listChanges({ state: 'open' })).map(c => c.number),
      ).toEqual([2]);
      expect(
        (await gitlab.listChanges({ state: 'closed' })).map(c => c.number),
      ).toEqual([1]);
      expect((await gitlab.listChanges()).map(c => c.number).sort()).toEqual([
        1, 2,
      ]);
      expect(
        server
          .requestsTo('GET /projects/:id/merge_requests')
          .map(r => r.query.state),
      ).toEqual(['opened', 'closed', undefined]);
      expect(await gitlab.getChange('99')).toBeUndefined();
      await expect(gitlab.getChange('../1')).rejects.toThrow(InputError);
    });
  });

  describe('approvals by tier', () => {
    it('uses the Premium rule GitLab reports', async () => {
      await start({ tier: 'premium', approvalsRequired: 2 });
      const gitlab = provider({ requiredApprovals: 1 });
      const opened = await gitlab.openChange(change({ actor: jane }));
      await gitlab.review(opened.id, { decision: 'approve', actor: bob });
      expect((await gitlab.getChange(opened.id))!.approval).toEqual({
        approved: false,
        required: 2,
        received: 1,
        missingOwners: [],
      });
    });

    it('falls back to requiredApprovals on the Free basic shape', async () => {
      await start({ tier: 'free' });
      const gitlab = provider({ requiredApprovals: 2 });
      const opened = await gitlab.openChange(change({ actor: jane }));
      await gitlab.review(opened.id, { decision: 'approve', actor: bob });
      let current = (await gitlab.getChange(opened.id))!;
      expect(current.approval).toEqual({
        approved: false,
        required: 2,
        received: 1,
        missingOwners: [],
      });
      // Free GitLab would merge; the portal does not until its own rule holds
      expect(current.mergeableReason).toBe('not_approved');
      await expect(gitlab.merge(opened.id, bob)).rejects.toThrow(
        'cannot be merged: not_approved',
      );

      await gitlab.review(opened.id, { decision: 'approve', actor: alice });
      current = (await gitlab.getChange(opened.id))!;
      expect(current.approval).toEqual({
        approved: true,
        required: 2,
        received: 2,
        missingOwners: [],
      });
      expect((await gitlab.merge(opened.id, bob)).state).toBe('merged');
    });

    it.each([403, 404])(
      'degrades when the approvals endpoint answers %i',
      async status => {
        await start({ tier: 'free' });
        const gitlab = provider({ requiredApprovals: 1 });
        const opened = await gitlab.openChange(change());
        server.approvalsEndpointStatus = status;
        const current = (await gitlab.getChange(opened.id))!;
        expect(current.approval).toEqual({
          approved: false,
          required: 1,
          received: 0,
          missingOwners: [],
        });
        expect(current.state).toBe('open');
      },
    );
  });

  describe('checks', () => {
    it('writes commit statuses in GitLab states and reads them back', async () => {
      await start();
      const gitlab = provider();
      const opened = await gitlab.openChange(change());
      await gitlab.review(opened.id, { decision: 'approve', actor: bob });

      await gitlab.setCommitStatus(opened.headSha, {
        context: 'butler-portal/validate',
        state: 'pending',
        description: 'validating',
      });
      let current = (await gitlab.getChange(opened.id))!;
      expect(current.checks).toEqual([
        {
          context: 'butler-portal/validate',
          state: 'pending',
          description: 'validating',
          targetUrl: undefined,
        },
      ]);
      expect(current.mergeableReason).toBe('checks_pending');

      await gitlab.setCommitStatus(opened.headSha, {
        context: 'butler-portal/validate',
        state: 'failure',
        description:
          'workspaces/team-a/alice-dev.yaml: /spec/owner is required',
        targetUrl: 'https://portal.example.com/changes/1',
      });
      const posted = server.requestsTo('POST /projects/:id/statuses/:sha');
      expect(posted[1].body).toEqual({
        state: 'failed',
        name: 'butler-portal/validate',
        description:
          'workspaces/team-a/alice-dev.yaml: /spec/owner is required',
        target_url: 'https://portal.example.com/changes/1',
      });
      current = (await gitlab.getChange(opened.id))!;
      expect(current.checks[0].state).toBe('failure');
      expect(current.mergeableReason).toBe('checks_failed');

      await gitlab.setCommitStatus(opened.headSha, {
        context: 'butler-portal/validate',
        state: 'success',
      });
      // re-posting the state a status is in is not an error
      await gitlab.setCommitStatus(opened.headSha, {
        context: 'butler-portal/validate',
        state: 'success',
      });
      await gitlab.setCommitStatus(opened.headSha, {
        context: 'butler-portal/sync',
        state: 'error',
      });
      expect(
        server
          .requestsTo('POST /projects/:id/statuses/:sha')
          .map(r => r.body.state),
      ).toEqual(['pending', 'failed', 'success', 'success', 'canceled']);
      current = (await gitlab.getChange(opened.id))!;
      expect(
        Object.fromEntries(current.checks.map(c => [c.context, c.state])),
      ).toEqual({
        'butler-portal/validate': 'success',
        'butler-portal/sync': 'error',
      });
      await expect(
        gitlab.setCommitStatus('not a sha', { context: 'x', state: 'success' }),
      ).rejects.toThrow(InputError);
    });
  });

  describe('repository reads', () => {
    it('resolves branches, tags and SHAs to the commit (resolveRef)', async () => {
      await start();
      const gitlab = provider();
      const main = server.branchHead('main')!;
      const opened = await gitlab.openChange(change());
      const side = opened.headSha;
      expect(side).not.toBe(main);
      server.tag('v1.0.0', main);
      server.tag('v1.1.0', side, 'an annotated release');
      expect(await gitlab.resolveRef('main')).toBe(main);
      expect(await gitlab.resolveRef(opened.sourceBranch)).toBe(side);
      expect(await gitlab.resolveRef('v1.0.0')).toBe(main);
      expect(await gitlab.resolveRef('v1.1.0')).toBe(side);
      expect(await gitlab.resolveRef(side)).toBe(side);
      await expect(gitlab.resolveRef('nope')).rejects.toThrow(NotFoundError);
      await expect(gitlab.resolveRef('f'.repeat(40))).rejects.toThrow(
        NotFoundError,
      );
      server.tag('main', side);
      await expect(gitlab.resolveRef('main')).rejects.toThrow(/ambiguous/);
      for (const hostile of ['../x', 'refs/heads/main', '-x', 'a..b']) {
        await expect(gitlab.resolveRef(hostile)).rejects.toThrow(InputError);
      }
    });

    it('reads the exact bytes of a binary file', async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await start({ files: { 'assets/logo.bin': bytes } });
      const gitlab = provider();
      expect(await gitlab.readFileBytes('assets/logo.bin')).toEqual({
        path: 'assets/logo.bin',
        content: bytes,
        sha: gitBlobId(bytes),
      });
      // the blob id the tree lists is that of the same bytes
      expect(await gitlab.listTree(undefined, 'assets')).toEqual([
        { path: 'assets/logo.bin', sha: gitBlobId(bytes) },
      ]);
      const reversed = Buffer.from(bytes).reverse();
      const commit = server.push('main', { 'assets/logo.bin': reversed });
      expect(
        (await gitlab.readFileBytes('assets/logo.bin', commit))?.content,
      ).toEqual(reversed);
      expect(
        (
          await gitlab.changedPaths(
            server.commit(commit)!.parent_ids[0],
            commit,
          )
        ).map(c => c.path),
      ).toEqual(['assets/logo.bin']);
      expect(await gitlab.readFileBytes('assets/none.bin')).toBeUndefined();
    });

    it('reads the default branch, heads, files and URLs', async () => {
      await start();
      const gitlab = provider();
      expect(await gitlab.defaultBranch()).toBe('main');
      expect(await gitlab.head()).toBe(server.branchHead('main'));
      await expect(gitlab.head('nope')).rejects.toThrow(
        'branch "nope" does not exist in repository platform',
      );

      const file = await gitlab.readFile(TEMPLATE);
      expect(file).toEqual({
        path: TEMPLATE,
        content: 'kind: WorkspaceTemplate\nmetadata:\n  name: small\n',
        sha: gitBlobId('kind: WorkspaceTemplate\nmetadata:\n  name: small\n'),
      });
      expect(await gitlab.readFile('workspaces/none.yaml')).toBeUndefined();
      // a missing file is undefined; a missing revision is an error
      await expect(gitlab.readFile(TEMPLATE, 'no-such-branch')).rejects.toThrow(
        'GitLab refused reading workspace-templates/team-a/small.yaml at no-such-branch (404): 404 Commit Not Found',
      );
      await expect(gitlab.readFile('../etc/passwd')).rejects.toThrow(
        InputError,
      );
      expect(
        server.requestsTo('GET /projects/:id/repository/files/:file_path')[0]
          .rawPath,
      ).toBe(
        `/projects/butler%2Fplatform/repository/files/${encodeURIComponent(
          TEMPLATE,
        )}`,
      );

      expect(gitlab.fileUrl(TEMPLATE, 'view')).toBe(
        `${server.baseUrl}/butler/platform/-/blob/main/${TEMPLATE}`,
      );
      expect(gitlab.fileUrl(TEMPLATE, 'edit')).toBe(
        `${server.baseUrl}/butler/platform/-/edit/main/${TEMPLATE}`,
      );
    });

    it('addresses the project by numeric id when given', async () => {
      await start();
      const gitlab = provider({
        projectPath: undefined,
        projectId: server.projectId,
      });
      expect(gitlab.fileUrl('a.yaml', 'view')).toBeUndefined();
      expect(await gitlab.head('main')).toBe(server.branchHead('main'));
      expect(await gitlab.defaultBranch()).toBe('main');
      expect(
        server.requests.every(r => r.rawPath.startsWith('/projects/42')),
      ).toBe(true);
      // after GitLab told the project's web URL, file URLs work
      expect(gitlab.fileUrl('a.yaml', 'view')).toBe(
        `${server.baseUrl}/butler/platform/-/blob/main/a.yaml`,
      );
    });

    it('lists a large tree across keyset pages', async () => {
      const files: Record<string, string> = { 'README.md': 'x' };
      for (let i = 0; i < 250; i++) {
        files[
          `workspaces/team-${i % 3}/ws-${String(i).padStart(3, '0')}.yaml`
        ] = `n: ${i}\n`;
      }
      server = await FakeGitlabServer.start({ files });
      const gitlab = provider();

      const entries = await gitlab.listTree('main', 'workspaces');
      expect(entries).toHaveLength(250);
      expect(entries).toContainEqual({
        path: 'workspaces/team-1/ws-004.yaml',
        sha: gitBlobId('n: 4\n'),
      });
      const calls = server.requestsTo(TREE);
      // 250 blobs + 3 folders at 100 per page
      expect(calls).toHaveLength(3);
      expect(calls[0].query).toMatchObject({
        recursive: 'true',
        ref: 'main',
        path: 'workspaces',
        pagination: 'keyset',
        per_page: '100',
      });
      expect(calls[1].query.page_token).toBeDefined();

      expect(await gitlab.listTree('main', 'pipelines')).toEqual([]);
      expect((await gitlab.listTree()).length).toBe(251);
    });

    it('lists the paths changed between two commits', async () => {
      await start();
      const gitlab = provider();
      const from = server.branchHead('main')!;
      server.push('main', {
        [WORKSPACE]: 'kind: Workspace\n',
        [TEMPLATE]: null,
      });
      const to = server.push('main', { 'README.md': '# changed\n' });
      expect(
        (await gitlab.changedPaths(from, to)).sort((a, b) =>
          a.path.localeCompare(b.path),
        ),
      ).toEqual([
        { path: 'README.md', status: 'modified' },
        { path: TEMPLATE, status: 'deleted' },
        { path: WORKSPACE, status: 'added' },
      ]);
      expect(
        server.requestsTo('GET /projects/:id/repository/compare')[0].query,
      ).toEqual({
        from,
        to,
        straight: 'true',
      });
    });
  });

  describe('rate limits and server errors', () => {
    it('waits as long as Retry-After asks on a 429, then retries', async () => {
      await start();
      server.failNext({
        route: 'GET /projects/:id/repository/branches/:branch',
        status: 429,
        headers: { 'retry-after': '7' },
        body: { message: 'Retry later' },
      });
      expect(await provider().head('main')).toBe(server.branchHead('main'));
      expect(sleeps).toEqual([7000]);
      expect(
        server.requestsTo('GET /projects/:id/repository/branches/:branch'),
      ).toHaveLength(2);
    });

    it('uses RateLimit-Reset when Retry-After is absent', async () => {
      await start();
      server.failNext({
        route: 'GET /projects/:id/repository/branches/:branch',
        status: 429,
        headers: { 'ratelimit-reset': '1700000012' },
      });
      const gitlab = provider({ retry: { now: () => 1_700_000_000_000 } });
      await gitlab.head('main');
      expect(sleeps).toEqual([12_000]);
    });

    it('retries a transient 5xx with back-off', async () => {
      await start();
      server.failNext({
        route: 'GET /projects/:id/repository/branches/:branch',
        status: 502,
        times: 2,
      });
      expect(await provider().head('main')).toBe(server.branchHead('main'));
      expect(sleeps).toEqual([500, 1000]);
    });

    it('gives up with a clear error after bounded retries', async () => {
      await start();
      server.failNext({
        route: 'GET /projects/:id/repository/branches/:branch',
        status: 503,
        times: 10,
        body: { message: 'GitLab is not responding' },
      });
      const error = await provider({ retry: { maxRetries: 2 } })
        .head('main')
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        'GitLab GET /projects/butler%2Fplatform/repository/branches/main answered 503: GitLab is not responding (gave up after 3 attempts)',
      );
      expect(
        server.requestsTo('GET /projects/:id/repository/branches/:branch'),
      ).toHaveLength(3);
    });

    it('does not retry a POST that failed with 500, and leaves nothing behind', async () => {
      await start();
      server.failNext({
        route: COMMITS,
        status: 500,
        body: { message: '500 Internal Server Error' },
      });
      const error = await provider()
        .openChange(change())
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toContain('(500): 500 Internal Server Error');
      expect(server.requestsTo(COMMITS)).toHaveLength(1);
      expect(server.requestsTo(CREATE_MR)).toHaveLength(0);
    });

    it('fails at once when Retry-After is longer than the longest wait', async () => {
      await start();
      server.failNext({
        route: 'GET /projects/:id/repository/branches/:branch',
        status: 429,
        headers: { 'retry-after': '3600' },
      });
      await expect(provider().head('main')).rejects.toThrow(
        'rate limited; GitLab asks to retry in 3600 s',
      );
      expect(sleeps).toEqual([]);
    });
  });
});
