import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import * as people from '@butler-portal/plugin-gitops-node/testUtils';
import {
  BOT_TOKEN,
  githubProviderOn,
  startFakeGithub,
  withGithubToken,
} from './__testUtils__/fakeGithub';
import {
  GithubGitProvider,
  GithubGitProviderOptions,
} from './GithubGitProvider';
import { FakeGithubServer } from '@butler-portal/fake-github';

const { jane } = people;
const janeWithToken = withGithubToken(jane);
const bob = withGithubToken(people.bob);
const carol = withGithubToken(people.carol);

const CODEOWNERS = [
  '# owners of the GitOps repository',
  '*                 @bob',
  'workspaces/       @butlerlabs/platform-team',
  'pipelines/**      @carol',
  '',
].join('\n');

describe('GithubGitProvider', () => {
  let server: FakeGithubServer;
  let sleeps: number[];
  const NOW = 1_700_000_000_000;

  function provider(options: Partial<GithubGitProviderOptions> = {}) {
    return githubProviderOn(server, {
      sleep: async ms => {
        sleeps.push(ms);
      },
      now: () => NOW,
      ...options,
    });
  }

  const writes = () => server.requests.filter(r => r.method !== 'GET');

  beforeEach(async () => {
    sleeps = [];
    server = await startFakeGithub([jane, bob, carol]);
    server.addTeam('butlerlabs', 'platform-team', ['carol']);
    server.seed({
      '.github/CODEOWNERS': CODEOWNERS,
      'README.md': '# platform\n',
      'workspaces/team-a/dev.yaml': 'kind: Workspace\nmetadata:\n  name: dev\n',
      'workspaces/team-a/old.yaml': 'kind: Workspace\nmetadata:\n  name: old\n',
      'pipelines/team-a/logs.yaml': 'kind: Pipeline\n',
    });
  });

  afterEach(() => server.stop());

  describe('openChange', () => {
    it('creates one commit authored by the actor, its branch and a pull request naming the requester', async () => {
      const github = provider();
      const base = server.git.resolveCommit('main')!;
      const change = await github.openChange({
        branch: 'butler/workspace/team-a/new/1a2b3c4d',
        title: 'Add workspace team-a/new',
        description: 'Created from the portal form.',
        operations: [
          {
            action: 'create',
            path: 'workspaces/team-a/new.yaml',
            content: 'kind: Workspace\n',
          },
        ],
        actor: jane,
      });

      // the Git data API sequence, each exactly once
      expect(server.requestsTo('POST', /\/git\/blobs$/)).toHaveLength(1);
      const [treeRequest] = server.requestsTo('POST', /\/git\/trees$/);
      expect(treeRequest.body).toEqual({
        base_tree: server.git.commits.get(base)!.tree,
        tree: [
          {
            path: 'workspaces/team-a/new.yaml',
            mode: '100644',
            type: 'blob',
            sha: server.git.putBlob('kind: Workspace\n'),
          },
        ],
      });
      const commitRequests = server.requestsTo('POST', /\/git\/commits$/);
      expect(commitRequests).toHaveLength(1);
      expect(commitRequests[0].body).toMatchObject({
        message: 'Add workspace team-a/new',
        parents: [base],
        author: { name: 'Jane Doe', email: 'jane@example.com' },
        committer: {
          name: 'Butler Portal',
          email: 'butler-portal@users.noreply.github.com',
        },
      });
      const [refRequest] = server.requestsTo('POST', /\/git\/refs$/);
      expect(refRequest.body.ref).toBe(
        'refs/heads/butler/workspace/team-a/new/1a2b3c4d',
      );

      // the branch holds exactly one new commit on top of the base
      const head = server.git.resolveCommit(
        'butler/workspace/team-a/new/1a2b3c4d',
      )!;
      const commit = server.git.commits.get(head)!;
      expect(refRequest.body.sha).toBe(head);
      expect(commit.parents).toEqual([base]);
      expect(commit.author).toMatchObject({
        name: 'Jane Doe',
        email: 'jane@example.com',
      });
      expect(commit.committer.name).toBe('Butler Portal');
      const files = server.git.flattenCommit(head);
      expect(
        server.git.blobs
          .get(files.get('workspaces/team-a/new.yaml')!.sha)!
          .toString(),
      ).toBe('kind: Workspace\n');
      expect(files.get('README.md')).toEqual(
        server.git.flattenCommit(base).get('README.md'),
      );

      // the portal's own identity did the writing, and says on whose behalf
      expect(new Set(writes().map(r => r.user))).toEqual(
        new Set(['butler-portal[bot]']),
      );
      const [pullRequest] = server.requestsTo('POST', /\/pulls$/);
      expect(pullRequest.body).toMatchObject({
        head: 'butler/workspace/team-a/new/1a2b3c4d',
        base: 'main',
        title: 'Add workspace team-a/new',
      });
      expect(pullRequest.body.body).toBe(
        'Created from the portal form.\n\n---\nRequested by Jane Doe <jane@example.com> (user:default/jane) via Butler Portal',
      );

      expect(change).toMatchObject({
        id: '1',
        number: 1,
        repository: 'platform',
        title: 'Add workspace team-a/new',
        description: 'Created from the portal form.',
        state: 'open',
        sourceBranch: 'butler/workspace/team-a/new/1a2b3c4d',
        targetBranch: 'main',
        headSha: head,
        baseSha: base,
        author: {
          name: 'Jane Doe',
          email: 'jane@example.com',
          userRef: 'user:default/jane',
          login: 'butler-portal[bot]',
        },
        url: 'https://github.com/butlerlabs/platform/pull/1',
        paths: ['workspaces/team-a/new.yaml'],
        reviews: [],
        approval: { approved: false, required: 1, received: 0 },
      });
    });

    it("acts as the signed-in user with the user's own token", async () => {
      const change = await provider().openChange({
        branch: 'butler/pipeline/team-a/logs/0001',
        title: 'Edit pipeline',
        description: 'More sinks.',
        operations: [
          {
            action: 'update',
            path: 'pipelines/team-a/logs.yaml',
            content: 'kind: Pipeline\n# v2\n',
          },
        ],
        actor: janeWithToken,
      });
      expect(new Set(writes().map(r => r.user))).toEqual(new Set(['jane']));
      expect(server.requestsTo('POST', /\/pulls$/)[0].body.body).toBe(
        'More sinks.',
      );
      expect(change.author).toEqual({ name: 'jane', login: 'jane' });
    });

    it('requests reviews from the CODEOWNERS of the target branch: users and teams', async () => {
      await provider().openChange({
        branch: 'butler/multi/0001',
        title: 'Two kinds',
        description: '',
        operations: [
          {
            action: 'update',
            path: 'workspaces/team-a/dev.yaml',
            content: 'kind: Workspace\n# x\n',
          },
          {
            action: 'create',
            path: 'pipelines/team-b/metrics.yaml',
            content: 'kind: Pipeline\n',
          },
        ],
        actor: jane,
      });
      const requests = server.requestsTo(
        'POST',
        /\/pulls\/1\/requested_reviewers$/,
      );
      expect(requests).toHaveLength(1);
      expect(requests[0].body).toEqual({
        reviewers: ['carol'],
        team_reviewers: ['platform-team'],
      });
      const pull = server.pullState(1)!;
      expect(pull.requestedReviewers).toEqual(['carol']);
      expect(pull.requestedTeams).toEqual(['platform-team']);
    });

    it('reads CODEOWNERS from .github/ before the root, and never asks the author', async () => {
      server.git.commitFiles('main', {
        CODEOWNERS: '* @carol\n',
        '.github/CODEOWNERS': '* @bob @jane\n',
      });
      await provider().openChange({
        branch: 'butler/readme/0001',
        title: 'Readme',
        description: '',
        operations: [
          { action: 'update', path: 'README.md', content: '# Platform\n' },
        ],
        actor: janeWithToken,
      });
      expect(server.requestsTo('POST', /requested_reviewers$/)[0].body).toEqual(
        {
          reviewers: ['bob'],
          team_reviewers: [],
        },
      );
    });

    it('keeps the change when GitHub refuses one reviewer, asking the others one by one', async () => {
      server.git.commitFiles('main', {
        '.github/CODEOWNERS': '* @bob @departed-user\n',
      });
      const change = await provider().openChange({
        branch: 'butler/readme/0002',
        title: 'Readme',
        description: '',
        operations: [
          { action: 'update', path: 'README.md', content: '# Platform\n' },
        ],
        actor: jane,
      });
      expect(change.state).toBe('open');
      expect(
        server.requestsTo('POST', /requested_reviewers$/).map(r => r.body),
      ).toEqual([
        { reviewers: ['bob', 'departed-user'], team_reviewers: [] },
        { reviewers: ['bob'], team_reviewers: [] },
        { reviewers: ['departed-user'], team_reviewers: [] },
      ]);
      expect(server.pullState(1)!.requestedReviewers).toEqual(['bob']);
    });

    it('edits and deletes files in the same single commit (deletion = sha null on the base tree)', async () => {
      const github = provider();
      const change = await github.openChange({
        branch: 'butler/cleanup/0001',
        title: 'Clean up team-a',
        description: 'Rename dev, drop old.',
        operations: [
          {
            action: 'update',
            path: 'workspaces/team-a/dev.yaml',
            content: 'kind: Workspace\nmetadata:\n  name: dev2\n',
          },
          { action: 'delete', path: 'workspaces/team-a/old.yaml' },
        ],
        actor: jane,
      });
      const [treeRequest] = server.requestsTo('POST', /\/git\/trees$/);
      expect(treeRequest.body.base_tree).toBe(
        server.git.commits.get(change.baseSha)!.tree,
      );
      expect(treeRequest.body.tree).toContainEqual({
        path: 'workspaces/team-a/old.yaml',
        mode: '100644',
        type: 'blob',
        sha: null,
      });
      expect(server.requestsTo('POST', /\/git\/blobs$/)).toHaveLength(1);
      expect(server.requestsTo('POST', /\/git\/commits$/)).toHaveLength(1);

      const files = server.git.flattenCommit(change.headSha);
      expect(files.has('workspaces/team-a/old.yaml')).toBe(false);
      expect(files.has('pipelines/team-a/logs.yaml')).toBe(true);
      expect(change.paths.sort()).toEqual([
        'workspaces/team-a/dev.yaml',
        'workspaces/team-a/old.yaml',
      ]);

      const diff = await github.getChangeFiles(change.id);
      expect(diff).toEqual(
        expect.arrayContaining([
          {
            path: 'workspaces/team-a/dev.yaml',
            status: 'modified',
            before: 'kind: Workspace\nmetadata:\n  name: dev\n',
            after: 'kind: Workspace\nmetadata:\n  name: dev2\n',
          },
          {
            path: 'workspaces/team-a/old.yaml',
            status: 'deleted',
            before: 'kind: Workspace\nmetadata:\n  name: old\n',
            after: undefined,
          },
        ]),
      );
      expect(diff).toHaveLength(2);
    });

    it('refuses operations that do not fit the base before writing anything', async () => {
      const github = provider();
      await expect(
        github.openChange({
          branch: 'butler/x/1',
          title: 'Create again',
          description: '',
          operations: [
            {
              action: 'create',
              path: 'workspaces/team-a/dev.yaml',
              content: 'x',
            },
          ],
          actor: jane,
        }),
      ).rejects.toThrow(ConflictError);
      await expect(
        github.openChange({
          branch: 'butler/x/2',
          title: 'Update missing',
          description: '',
          operations: [
            {
              action: 'update',
              path: 'workspaces/team-a/nope.yaml',
              content: 'x',
            },
          ],
          actor: jane,
        }),
      ).rejects.toThrow(
        /cannot update workspaces\/team-a\/nope.yaml, it does not exist/,
      );
      await expect(
        github.openChange({
          branch: 'butler/x/3',
          title: 'Hostile',
          description: '',
          operations: [{ action: 'create', path: '../x.yaml', content: 'x' }],
          actor: jane,
        }),
      ).rejects.toThrow(InputError);
      expect(writes()).toEqual([]);
      expect(server.pullCount).toBe(0);
    });

    it('fails clearly when the branch already exists, leaving that branch alone', async () => {
      const existing = server.git.commitFiles(
        'butler/taken/1',
        { 'x.txt': 'someone else' },
        { from: server.git.resolveCommit('main') },
      );
      const error = await provider()
        .openChange({
          branch: 'butler/taken/1',
          title: 'Taken',
          description: '',
          operations: [
            {
              action: 'create',
              path: 'workspaces/team-a/new.yaml',
              content: 'x',
            },
          ],
          actor: jane,
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        "Branch 'butler/taken/1' already exists in butlerlabs/platform; choose another branch name",
      );
      expect(server.git.resolveCommit('butler/taken/1')).toBe(existing);
      expect(server.requestsTo('DELETE', /.*/)).toEqual([]);
      expect(server.pullCount).toBe(0);
    });

    it('deletes the branch again when GitHub refuses the pull request (422)', async () => {
      server.failNext(
        { method: 'POST', path: /\/pulls$/ },
        {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: 'No commits between main and butler/x/1',
              },
            ],
            documentation_url: 'https://docs.github.com/rest',
          },
        },
      );
      const error = await provider()
        .openChange({
          branch: 'butler/x/1',
          title: 'Refused',
          description: '',
          operations: [
            {
              action: 'create',
              path: 'workspaces/team-a/new.yaml',
              content: 'x',
            },
          ],
          actor: jane,
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        "Could not open a pull request for 'butler/x/1' in butlerlabs/platform: GitHub answered 422 Validation Failed (No commits between main and butler/x/1)",
      );
      expect(
        server.requestsTo('DELETE', /\/git\/refs\/heads\/butler\/x\/1$/),
      ).toHaveLength(1);
      expect(server.branchExists('butler/x/1')).toBe(false);
      expect(server.pullCount).toBe(0);
    });

    it('deletes the branch again when the pull request cannot be created for good (5xx)', async () => {
      server.failNext(
        { method: 'POST', path: /\/pulls$/ },
        { status: 502, body: { message: 'Bad Gateway' } },
        4,
      );
      await expect(
        provider().openChange({
          branch: 'butler/x/2',
          title: 'Down',
          description: '',
          operations: [
            {
              action: 'create',
              path: 'workspaces/team-a/new.yaml',
              content: 'x',
            },
          ],
          actor: jane,
        }),
      ).rejects.toThrow(ServiceUnavailableError);
      expect(sleeps).toEqual([1000, 2000, 4000]);
      expect(server.branchExists('butler/x/2')).toBe(false);
    });
  });

  describe('openChangeFromBranch', () => {
    it('opens a pull request for a pushed branch and asks its code owners', async () => {
      const github = provider();
      server.git.commitFiles(
        'feature/ide-edit',
        { 'pipelines/team-a/logs.yaml': 'kind: Pipeline\n# from the IDE\n' },
        { from: server.git.resolveCommit('main') },
      );
      const change = await github.openChangeFromBranch({
        branch: 'feature/ide-edit',
        title: 'Tune logs pipeline',
        description: 'Edited in VS Code.',
        actor: janeWithToken,
      });
      expect(change).toMatchObject({
        state: 'open',
        sourceBranch: 'feature/ide-edit',
        paths: ['pipelines/team-a/logs.yaml'],
        author: { login: 'jane' },
      });
      expect(server.requestsTo('POST', /requested_reviewers$/)[0].body).toEqual(
        {
          reviewers: ['carol'],
          team_reviewers: [],
        },
      );
      await expect(
        github.openChangeFromBranch({
          branch: 'feature/missing',
          title: 'Missing',
          description: '',
          actor: jane,
        }),
      ).rejects.toThrow(
        new NotFoundError(
          "Branch 'feature/missing' does not exist in butlerlabs/platform",
        ),
      );
    });
  });

  describe('reviews and merging', () => {
    async function openWorkspaceChange(
      github: GithubGitProvider,
      branch = 'butler/ws/1',
      actor = jane,
    ) {
      return github.openChange({
        branch,
        title: 'Add workspace',
        description: 'New workspace.',
        operations: [
          {
            action: 'create',
            path: 'workspaces/team-a/new.yaml',
            content: 'kind: Workspace\n',
          },
        ],
        actor,
      });
    }

    /** an approved edit of dev.yaml, after which main changes the same line */
    async function openApprovedConflict(github: GithubGitProvider) {
      const opened = await github.openChange({
        branch: 'butler/ws/edit',
        title: 'Edit dev',
        description: '',
        operations: [
          {
            action: 'update',
            path: 'workspaces/team-a/dev.yaml',
            content: 'mine\n',
          },
        ],
        actor: jane,
      });
      await github.review(opened.id, { decision: 'approve', actor: bob });
      server.git.commitFiles('main', {
        'workspaces/team-a/dev.yaml': 'theirs\n',
      });
      return opened;
    }

    it('reviews with the reviewer token and merges what was approved', async () => {
      const github = provider();
      const opened = await openWorkspaceChange(github);

      const review = await github.review(opened.id, {
        decision: 'approve',
        comment: 'LGTM',
        actor: bob,
      });
      expect(review).toMatchObject({
        author: 'bob',
        decision: 'approve',
        comment: 'LGTM',
        commitSha: opened.headSha,
      });
      const [reviewRequest] = server.requestsTo('POST', /\/pulls\/1\/reviews$/);
      expect(reviewRequest).toMatchObject({
        user: 'bob',
        body: { event: 'APPROVE', body: 'LGTM', commit_id: opened.headSha },
      });

      const approved = await github.getChange(opened.id);
      expect(approved?.approval).toEqual({
        approved: true,
        required: 1,
        received: 1,
        missingOwners: ['@butlerlabs/platform-team'],
      });
      expect(approved?.reviews).toHaveLength(1);

      const merged = await github.merge(opened.id, janeWithToken);
      const [mergeRequest] = server.requestsTo('PUT', /\/pulls\/1\/merge$/);
      expect(mergeRequest).toMatchObject({
        user: 'jane',
        body: { sha: opened.headSha, merge_method: 'merge' },
      });
      expect(merged.state).toBe('merged');
      expect(merged.mergeCommitSha).toBe(server.git.resolveCommit('main'));
      expect(server.git.commits.get(merged.mergeCommitSha!)!.parents).toEqual([
        opened.baseSha,
        opened.headSha,
      ]);
      expect(
        server.git
          .flattenCommit(merged.mergeCommitSha!)
          .has('workspaces/team-a/new.yaml'),
      ).toBe(true);
      expect(server.branchExists('butler/ws/1')).toBe(false);
    });

    it("refuses reviews and merges without the user's own token, asking GitHub nothing", async () => {
      const github = provider();
      const opened = await openWorkspaceChange(github, 'butler/ws/own');
      const before = server.requests.length;
      for (const decision of ['approve', 'request_changes', 'comment'] as const) {
        await expect(
          github.review(opened.id, { decision, comment: 'x', actor: jane }),
        ).rejects.toThrow(
          "To review a change request on GitHub the portal acts as you: sign in to GitHub in the portal so that your own token is used. The portal's GitHub App does not review a change request on anyone's behalf.",
        );
      }
      await expect(github.merge(opened.id, jane)).rejects.toThrow(NotAllowedError);
      expect(server.requests.length).toBe(before);
    });

    it("never counts an App's or bot's approval", async () => {
      const github = provider({ requiredApprovals: 1 });
      const opened = await openWorkspaceChange(github, 'butler/ws/bot', janeWithToken);
      const head = (await github.getChange(opened.id))!.headSha;
      // the portal's App approves through the API directly (as a misconfigured workflow might)
      const res = await fetch(`${server.baseUrl}/repos/butlerlabs/platform/pulls/${opened.number}/reviews`, {
        method: 'POST',
        headers: { authorization: `token ${BOT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'APPROVE', commit_id: head, body: 'lgtm' }),
      });
      expect(res.status).toBe(200);
      const change = (await github.getChange(opened.id))!;
      expect(change.reviews.map(r => r.decision)).toContain('approve');
      expect(change.approval).toMatchObject({ received: 0, approved: false });
      await expect(github.merge(opened.id, janeWithToken)).rejects.toThrow('0 of 1 required approvals');
    });

    it('refuses to merge without the required approvals, without asking GitHub to merge', async () => {
      const github = provider({ requiredApprovals: 2 });
      const opened = await openWorkspaceChange(github);
      await github.review(opened.id, { decision: 'approve', actor: bob });
      const error = await github.merge(opened.id, janeWithToken).catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        'Change #1 cannot be merged: it has 1 of 2 required approvals and lacks code owner approval (@butlerlabs/platform-team)',
      );
      expect(server.requestsTo('PUT', /merge$/)).toEqual([]);
    });

    it('takes required approvals and code owner reviews from branch protection, teams included', async () => {
      server.setBranchProtection('main', {
        requiredApprovingReviewCount: 1,
        requireCodeOwnerReviews: true,
      });
      const github = provider({ requiredApprovals: 5 });
      const opened = await openWorkspaceChange(github);
      await github.review(opened.id, { decision: 'approve', actor: bob });
      let change = await github.getChange(opened.id);
      expect(change?.approval).toEqual({
        approved: false,
        required: 1,
        received: 1,
        missingOwners: ['@butlerlabs/platform-team'],
      });
      expect(change?.mergeableReason).toBe('not_approved');

      // carol is a member of @butlerlabs/platform-team
      await github.review(opened.id, { decision: 'approve', actor: carol });
      change = await github.getChange(opened.id);
      expect(change?.approval).toEqual({
        approved: true,
        required: 1,
        received: 2,
        missingOwners: [],
      });
      expect(
        server.requestsTo(
          'GET',
          /\/orgs\/butlerlabs\/teams\/platform-team\/memberships\/carol$/,
        ).length,
      ).toBeGreaterThan(0);
    });

    it('falls back to config when branch protection cannot be read', async () => {
      server.setBranchProtection('main', {
        requiredApprovingReviewCount: 1,
        readable: false,
      });
      const opened = await openWorkspaceChange(
        provider({ requiredApprovals: 3 }),
      );
      expect(opened.approval.required).toBe(3);
    });

    it('does not count approvals of an older head, and a change request blocks', async () => {
      const github = provider();
      const opened = await openWorkspaceChange(github);
      await github.review(opened.id, { decision: 'approve', actor: bob });
      server.git.commitFiles('butler/ws/1', {
        'workspaces/team-a/new.yaml': 'kind: Workspace\n# v2\n',
      });
      let change = await github.getChange(opened.id);
      expect(change?.approval).toMatchObject({ approved: false, received: 0 });

      await github.review(opened.id, { decision: 'approve', actor: bob });
      await github.review(opened.id, {
        decision: 'request_changes',
        comment: 'Wrong team',
        actor: carol,
      });
      change = await github.getChange(opened.id);
      expect(change?.approval).toMatchObject({ approved: false, received: 1 });
      expect(change?.mergeableReason).toBe('changes_requested');
    });

    it('reports a conflict once GitHub has computed it, and refuses to merge', async () => {
      const github = provider();
      const opened = await openApprovedConflict(github);

      // GitHub answers mergeable: null while it computes, then false
      const computing = await github.getChange(opened.id);
      expect(computing?.mergeable).toBeUndefined();
      expect(computing?.mergeableReason).toBeUndefined();
      const computed = await github.getChange(opened.id);
      expect(computed).toMatchObject({
        mergeable: false,
        mergeableReason: 'conflict',
      });

      await expect(github.merge(opened.id, janeWithToken)).rejects.toThrow(
        'Change #1 cannot be merged: it conflicts with the target branch',
      );
      expect(server.requestsTo('PUT', /merge$/)).toEqual([]);
    });

    it("maps GitHub's 405 (not mergeable) to ConflictError with GitHub's message", async () => {
      const github = provider();
      // main moved; the portal's read sees mergeable: null and leaves the verdict to GitHub
      const opened = await openApprovedConflict(github);
      const error = await github.merge(opened.id, janeWithToken).catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        'Could not merge change #1 in butlerlabs/platform: GitHub answered 405 Pull Request is not mergeable',
      );
      expect(
        server.git
          .flattenCommit(server.git.resolveCommit('main')!)
          .has('workspaces/team-a/new.yaml'),
      ).toBe(false);
      expect(server.branchExists('butler/ws/edit')).toBe(true);
    });

    it("maps GitHub's 409 (head moved during merge) to ConflictError", async () => {
      const github = provider();
      const opened = await openWorkspaceChange(github);
      await github.review(opened.id, { decision: 'approve', actor: bob });
      server.failNext(
        { method: 'PUT', path: /\/merge$/ },
        {
          status: 409,
          body: {
            message:
              'Head branch was modified. Review and try the merge again.',
          },
        },
      );
      await expect(github.merge(opened.id, janeWithToken)).rejects.toThrow(
        new ConflictError(
          'Could not merge change #1 in butlerlabs/platform: GitHub answered 409 Head branch was modified. Review and try the merge again.',
        ),
      );
      expect(server.pullState(1)!.state).toBe('open');
    });

    it('blocks merging on failing checks and shows statuses and check runs', async () => {
      const github = provider();
      const opened = await openWorkspaceChange(github);
      await github.review(opened.id, { decision: 'approve', actor: bob });
      await github.setCommitStatus(opened.headSha, {
        context: 'butler-portal/validate',
        state: 'failure',
        description: 'workspaces/team-a/new.yaml: /spec/owner is required',
        targetUrl: 'https://portal.example.com/changes/1',
      });
      server.addCheckRun(opened.headSha, {
        name: 'ci/lint',
        status: 'completed',
        conclusion: 'success',
      });
      expect(server.requestsTo('POST', /\/statuses\//)[0]).toMatchObject({
        user: 'butler-portal[bot]',
        body: { state: 'failure', context: 'butler-portal/validate' },
      });
      const change = await github.getChange(opened.id);
      expect(change?.checks).toEqual([
        {
          context: 'butler-portal/validate',
          state: 'failure',
          description: 'workspaces/team-a/new.yaml: /spec/owner is required',
          targetUrl: 'https://portal.example.com/changes/1',
        },
        {
          context: 'ci/lint',
          state: 'success',
          description: 'ci/lint',
          targetUrl: 'https://github.com/butlerlabs/platform/runs/5000',
        },
      ]);
      expect(change).toMatchObject({
        mergeable: false,
        mergeableReason: 'checks_failed',
      });
      await expect(github.merge(opened.id, janeWithToken)).rejects.toThrow(
        'Change #1 cannot be merged: checks failed (butler-portal/validate)',
      );
    });

    it('closes a change and lists changes by state', async () => {
      const github = provider();
      const first = await openWorkspaceChange(github, 'butler/ws/1');
      const second = await openWorkspaceChange(github, 'butler/ws/2');
      await github.review(first.id, { decision: 'approve', actor: bob });
      await github.merge(first.id, janeWithToken);
      const third = await github.openChange({
        branch: 'butler/ws/3',
        title: 'Drop old',
        description: '',
        operations: [{ action: 'delete', path: 'workspaces/team-a/old.yaml' }],
        actor: jane,
      });
      const closed = await github.close(second.id, jane);
      expect(closed.state).toBe('closed');

      const ids = async (state?: 'open' | 'merged' | 'closed') =>
        (await github.listChanges(state ? { state } : undefined))
          .map(c => c.id)
          .sort();
      expect(await ids('open')).toEqual([third.id]);
      expect(await ids('merged')).toEqual([first.id]);
      expect(await ids('closed')).toEqual([second.id]);
      expect(await ids()).toEqual([first.id, second.id, third.id].sort());
      await expect(github.close(first.id, jane)).rejects.toThrow(
        'Change #1 is already merged',
      );
      expect(await github.getChange('99')).toBeUndefined();
      await expect(github.getChange('../1')).rejects.toThrow(InputError);
    });

    it('pages through the files of a large change', async () => {
      const github = provider();
      const operations = Array.from({ length: 120 }, (_, i) => ({
        action: 'create' as const,
        path: `workspaces/team-c/ws-${String(i).padStart(3, '0')}.yaml`,
        content: `kind: Workspace\nmetadata:\n  name: ws-${i}\n`,
      }));
      const change = await github.openChange({
        branch: 'butler/bulk/1',
        title: 'Bulk',
        description: '',
        operations,
        actor: jane,
      });
      expect(change.paths).toHaveLength(120);
      expect(
        server
          .requestsTo('GET', /\/pulls\/1\/files$/)
          .map(r => r.query.page ?? '1'),
      ).toEqual(['1', '2']);
      expect(server.requestsTo('POST', /\/git\/commits$/)).toHaveLength(1);
    });
  });

  describe('rate limits and server errors', () => {
    it('waits for retry-after on 429 and retries', async () => {
      server.failNext(
        { method: 'GET', path: /\/git\/ref\/heads\/main$/ },
        {
          status: 429,
          headers: { 'retry-after': '7' },
          body: { message: 'You have exceeded a secondary rate limit.' },
        },
      );
      await expect(provider({ defaultBranch: 'main' }).head()).resolves.toBe(
        server.git.resolveCommit('main'),
      );
      expect(sleeps).toEqual([7000]);
      expect(server.requestsTo('GET', /\/git\/ref\/heads\/main$/)).toHaveLength(
        2,
      );
    });

    it('waits until x-ratelimit-reset when the primary limit is exhausted (403)', async () => {
      server.failNext(
        { method: 'GET', path: /\/git\/ref\/heads\/main$/ },
        {
          status: 403,
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(NOW / 1000 + 30),
          },
          body: { message: 'API rate limit exceeded for installation ID 1.' },
        },
      );
      await expect(provider({ defaultBranch: 'main' }).head()).resolves.toBe(
        server.git.resolveCommit('main'),
      );
      expect(sleeps).toEqual([30_000]);
    });

    it('gives up at once when the limit resets later than the portal waits', async () => {
      server.failNext(
        { method: 'GET', path: /\/git\/ref\/heads\/main$/ },
        {
          status: 403,
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(NOW / 1000 + 3600),
          },
          body: { message: 'API rate limit exceeded for installation ID 1.' },
        },
      );
      const error = await provider({ defaultBranch: 'main' })
        .head()
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toMatch(
        /rate limit exceeded .* it resets in 3600 s, longer than the 120 s/,
      );
      expect(sleeps).toEqual([]);
    });

    it('does not retry a plain permission 403', async () => {
      server.failNext(
        { method: 'GET', path: /\/git\/ref\/heads\/main$/ },
        {
          status: 403,
          body: { message: 'Resource not accessible by integration' },
        },
      );
      await expect(provider({ defaultBranch: 'main' }).head()).rejects.toThrow(
        new NotAllowedError(
          "Could not read branch 'main' in butlerlabs/platform: GitHub answered 403 Resource not accessible by integration",
        ),
      );
      expect(sleeps).toEqual([]);
    });

    it('backs off on 5xx and succeeds when GitHub recovers', async () => {
      server.failNext(
        { method: 'GET', path: /\/contents\/README.md$/ },
        { status: 502, body: { message: 'Server Error' } },
        2,
      );
      const file = await provider({ defaultBranch: 'main' }).readFile(
        'README.md',
      );
      expect(file?.content).toBe('# platform\n');
      expect(sleeps).toEqual([1000, 2000]);
    });

    it('gives up after the bounded retries with a clear error', async () => {
      server.failNext(
        { method: 'GET', path: /\/contents\/README.md$/ },
        { status: 503, body: { message: 'Unavailable' } },
        10,
      );
      const error = await provider({ defaultBranch: 'main', maxRetries: 2 })
        .readFile('README.md')
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        'GitHub GET /repos/{owner}/{repo}/contents/{path} failed after 3 attempts (server error): 503 Unavailable',
      );
      expect(sleeps).toEqual([1000, 2000]);
    });
  });

  describe('user tokens', () => {
    it('keeps per-token clients under the hash of the token, for minutes only', async () => {
      let now = 1_000_000;
      const github = provider({ now: () => now });
      const opened = await github.openChange({
        branch: 'butler/ws/tokens',
        title: 'Add workspace',
        description: '',
        operations: [{ action: 'create', path: 'workspaces/team-a/t.yaml', content: 'kind: Workspace\n' }],
        actor: janeWithToken,
      });
      await github.getChange(opened.id);
      const clients = (github as any).clients as Map<string, { expiresAt: number }>;
      expect(clients.size).toBeGreaterThan(0);
      for (const key of clients.keys()) {
        expect(key).toMatch(/^[0-9a-f]{64}$/);
        expect(key).not.toContain(janeWithToken.scmToken!);
      }
      // after the lifetime, a new client is made and the old one is gone
      now += 6 * 60 * 1000;
      await github.review(opened.id, { decision: 'comment', comment: 'later', actor: bob });
      for (const { expiresAt } of clients.values()) expect(expiresAt).toBeGreaterThan(now);
    });
  });

  describe('reading', () => {
    it('reads the default branch, heads, files and folders', async () => {
      const github = provider();
      expect(await github.defaultBranch()).toBe('main');
      expect(await github.head()).toBe(server.git.resolveCommit('main'));
      await expect(github.head('no/such')).rejects.toThrow(NotFoundError);
      expect(await github.readFile('workspaces/team-a/dev.yaml')).toEqual({
        path: 'workspaces/team-a/dev.yaml',
        content: 'kind: Workspace\nmetadata:\n  name: dev\n',
        sha: server.git.putBlob('kind: Workspace\nmetadata:\n  name: dev\n'),
      });
      expect(
        await github.readFile('workspaces/team-a/missing.yaml'),
      ).toBeUndefined();
      expect(await github.readFile('workspaces/team-a')).toBeUndefined();
      await expect(github.readFile('../etc/passwd')).rejects.toThrow(
        InputError,
      );

      expect(
        (await github.listTree(undefined, 'workspaces/'))
          .map(e => e.path)
          .sort(),
      ).toEqual(['workspaces/team-a/dev.yaml', 'workspaces/team-a/old.yaml']);
      expect(await github.listTree(undefined, 'tenant-addons')).toEqual([]);
      expect((await github.listTree()).length).toBe(5);
    });

    it('resolves branches, lightweight and annotated tags and SHAs to the commit (resolveRef)', async () => {
      const github = provider();
      const main = server.git.resolveCommit('main')!;
      const first = server.git.commits.get(main)!;
      const side = server.git.putCommit({
        ...first,
        parents: [main],
        message: 'side',
      });
      server.git.refs.set('heads/side', side);
      server.git.refs.set('tags/v1.0.0', main);
      const tagObject = server.git.putTag('v1.1.0', side);
      expect(tagObject).not.toBe(side);
      expect(await github.resolveRef('main')).toBe(main);
      expect(await github.resolveRef('side')).toBe(side);
      expect(await github.resolveRef('v1.0.0')).toBe(main);
      expect(await github.resolveRef('v1.1.0')).toBe(side);
      expect(await github.resolveRef(side)).toBe(side);
      await expect(github.resolveRef('nope')).rejects.toThrow(NotFoundError);
      await expect(github.resolveRef('f'.repeat(40))).rejects.toThrow(
        NotFoundError,
      );
      server.git.refs.set('tags/side', main);
      await expect(github.resolveRef('side')).rejects.toThrow(/ambiguous/);
      for (const hostile of ['../x', 'refs/heads/main', '-x', 'a..b']) {
        await expect(github.resolveRef(hostile)).rejects.toThrow(InputError);
      }
    });

    it('reads files over 1 MB through the blob API', async () => {
      await server.stop();
      server = await startFakeGithub([], { largeFileThreshold: 10 });
      server.seed({ 'big.yaml': 'a: long long long value\n' });
      const file = await provider({ defaultBranch: 'main' }).readFile(
        'big.yaml',
      );
      expect(file?.content).toBe('a: long long long value\n');
      expect(server.requestsTo('GET', /\/git\/blobs\//)).toHaveLength(1);
    });

    it('reads the exact bytes of a binary file, through the contents and the blob API', async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      server.seed({ 'assets/logo.bin': bytes });
      const github = provider();
      const file = await github.readFileBytes('assets/logo.bin');
      expect(file).toEqual({
        path: 'assets/logo.bin',
        content: bytes,
        sha: server.git.putBlob(bytes),
      });
      expect(server.requestsTo('GET', /\/git\/blobs\//)).toHaveLength(0);
      expect(await github.readFileBytes('assets/missing.bin')).toBeUndefined();

      await server.stop();
      server = await startFakeGithub([], { largeFileThreshold: 10 });
      server.seed({ 'big.bin': bytes });
      const big = await provider({ defaultBranch: 'main' }).readFileBytes(
        'big.bin',
      );
      expect(big?.content).toEqual(bytes);
      expect(server.requestsTo('GET', /\/git\/blobs\//)).toHaveLength(1);
    });

    it('walks the tree level by level when GitHub truncates a recursive listing', async () => {
      await server.stop();
      server = await startFakeGithub([], { treeEntryLimit: 3 });
      server.seed({
        'a/1.yaml': '1',
        'a/2.yaml': '2',
        'b/c/3.yaml': '3',
        'd.yaml': '4',
      });
      const entries = await provider({ defaultBranch: 'main' }).listTree();
      expect(entries.map(e => e.path).sort()).toEqual([
        'a/1.yaml',
        'a/2.yaml',
        'b/c/3.yaml',
        'd.yaml',
      ]);
    });

    it('lists changed paths with compare, renames as delete + add', async () => {
      const github = provider();
      const from = server.git.resolveCommit('main')!;
      server.git.commitFiles('main', {
        'workspaces/team-a/old.yaml': null,
        'workspaces/team-b/old.yaml':
          'kind: Workspace\nmetadata:\n  name: old\n',
        'pipelines/team-a/logs.yaml': 'kind: Pipeline\n# v2\n',
        'artifacts/team-a/mod.yaml': 'kind: Artifact\n',
      });
      const to = server.git.commitFiles('main', {
        'README.md': '# Platform\n',
      });
      const paths = await github.changedPaths(from, to);
      expect(paths).toEqual(
        expect.arrayContaining([
          { path: 'workspaces/team-a/old.yaml', status: 'deleted' },
          { path: 'workspaces/team-b/old.yaml', status: 'added' },
          { path: 'pipelines/team-a/logs.yaml', status: 'modified' },
          { path: 'artifacts/team-a/mod.yaml', status: 'added' },
          { path: 'README.md', status: 'modified' },
        ]),
      );
      expect(paths).toHaveLength(5);
      const [compare] = server.requestsTo('GET', /\/compare\//);
      expect(compare.query).toEqual({ per_page: '1' });
      expect(server.requestsTo('GET', /\/git\/trees\//)).toEqual([]);
      expect(await github.changedPaths(to, to)).toEqual([]);
    });

    it('falls back to a tree diff beyond the 300 files compare returns', async () => {
      const github = provider();
      const from = server.git.resolveCommit('main')!;
      const files: Record<string, string | null> = {
        'workspaces/team-a/old.yaml': null,
      };
      for (let i = 0; i < 320; i++) {
        files[`artifact-versions/team-a/v${i}.yaml`] = `version: ${i}\n`;
      }
      const to = server.git.commitFiles('main', files);
      const paths = await github.changedPaths(from, to);
      expect(paths).toHaveLength(321);
      expect(paths).toContainEqual({
        path: 'workspaces/team-a/old.yaml',
        status: 'deleted',
      });
      expect(paths.filter(p => p.status === 'added')).toHaveLength(320);
      // only the changed folders were read, never pipelines/
      const treeReads = server
        .requestsTo('GET', /\/git\/trees\//)
        .map(r => r.path);
      const pipelinesTree = server.git.trees
        .get(server.git.commits.get(to)!.tree)!
        .find(i => i.name === 'pipelines')!.sha;
      expect(treeReads.some(p => p.endsWith(pipelinesTree))).toBe(false);
    });

    it('diffs trees when the commits diverged (compare would start at the merge base)', async () => {
      const github = provider();
      const base = server.git.resolveCommit('main')!;
      const left = server.git.commitFiles(
        'left',
        { 'a.yaml': 'left\n' },
        { from: base },
      );
      const right = server.git.commitFiles(
        'right',
        { 'b.yaml': 'right\n' },
        { from: base },
      );
      expect(
        (await github.changedPaths(left, right)).sort((x, y) =>
          x.path.localeCompare(y.path),
        ),
      ).toEqual([
        { path: 'a.yaml', status: 'deleted' },
        { path: 'b.yaml', status: 'added' },
      ]);
    });

    it('builds view and edit URLs, also for GitHub Enterprise', async () => {
      expect(
        provider({
          defaultBranch: 'main',
          webUrl: 'https://github.com',
        }).fileUrl('workspaces/team a/x.yaml', 'view'),
      ).toBe(
        'https://github.com/butlerlabs/platform/blob/main/workspaces/team%20a/x.yaml',
      );
      const enterprise = provider({ baseUrl: `${server.baseUrl}/api/v3` });
      expect(await enterprise.defaultBranch()).toBe('main');
      expect(enterprise.fileUrl('README.md', 'edit')).toBe(
        `${server.baseUrl}/butlerlabs/platform/edit/main/README.md`,
      );
    });
  });
});
