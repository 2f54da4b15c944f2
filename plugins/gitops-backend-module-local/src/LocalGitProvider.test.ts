import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { alice, bob, carol, guest } from '@butler-portal/plugin-gitops-node/testUtils';
import { createLocalRepository } from './__testUtils__/localRepository';
import { GitEvent, VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import { LocalGitProvider, LocalGitProviderOptions } from './LocalGitProvider';
import {
  fsck,
  git,
  gitRefs,
  makeTempDir,
  removeTempDirs,
} from './testing/gitCli';

const WS = `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: dev
  namespace: team-a
`;

function createRepo(files: Record<string, string | Uint8Array> = {}) {
  return createLocalRepository({
    'README.md': '# GitOps repo\n',
    'workspaces/team-a/base.yaml': WS,
    ...files,
  });
}

function makeProvider(
  dir: string,
  options: Partial<LocalGitProviderOptions> = {},
) {
  const events: GitEvent[] = [];
  const provider = new LocalGitProvider({
    repository: 'platform',
    dir,
    onEvent: e => events.push(e),
    ...options,
  });
  // The change service validates every head before a merge and records the result as the
  // butler-portal/validate status; without one the provider holds the merge (checks_pending).
  // Here the provider is used alone, so the tests record a passing validation as the service
  // would, unless a test set that status itself.
  const merge = provider.merge.bind(provider);
  provider.merge = async (id, actor) => {
    const change = await provider.getChange(id);
    if (change && !change.checks.some(c => c.context === VALIDATION_CHECK_CONTEXT)) {
      await provider.setCommitStatus(change.headSha, {
        context: VALIDATION_CHECK_CONTEXT,
        state: 'success',
      });
    }
    return merge(id, actor);
  };
  return { provider, events };
}

function createWorkspace(name: string, branch = `butler/workspace/${name}`) {
  return {
    branch,
    title: `Create workspace ${name}`,
    description: `Adds workspace ${name}`,
    operations: [
      {
        action: 'create' as const,
        path: `workspaces/team-a/${name}.yaml`,
        content: WS.replace('dev', name),
      },
    ],
    actor: alice,
  };
}

/** a commit pushed to a branch of the bare repo with the real git client, as an IDE user would */
async function pushWithGit(
  dir: string,
  branch: string,
  file: string,
  content: string,
) {
  const work = await makeTempDir('butler-work-');
  await git(['clone', '--quiet', dir, work]);
  await git(['checkout', '--quiet', '-B', branch, `origin/${branch}`], {
    cwd: work,
  }).catch(() => git(['checkout', '--quiet', '-b', branch], { cwd: work }));
  await fs.promises.mkdir(path.dirname(path.join(work, file)), {
    recursive: true,
  });
  await fs.promises.writeFile(path.join(work, file), content);
  await git(['add', '-A'], { cwd: work });
  await git(['commit', '--quiet', '-m', `edit ${file}`], { cwd: work });
  await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], {
    cwd: work,
  });
  return git(['rev-parse', 'HEAD'], { cwd: work });
}

afterEach(removeTempDirs);

describe('LocalGitProvider', () => {
  it('opens a change as a branch with one commit by the actor plus change refs', async () => {
    const { dir } = await createRepo();
    const { provider, events } = makeProvider(dir);
    const mainBefore = await provider.head();

    const change = await provider.openChange(createWorkspace('alice-dev'));

    expect(change).toMatchObject({
      id: '1',
      number: 1,
      repository: 'platform',
      state: 'open',
      title: 'Create workspace alice-dev',
      sourceBranch: 'butler/workspace/alice-dev',
      targetBranch: 'main',
      baseSha: mainBefore,
      author: {
        userRef: 'user:default/alice',
        name: 'Alice',
        email: 'alice@example.com',
      },
      paths: ['workspaces/team-a/alice-dev.yaml'],
      reviews: [],
      checks: [],
      mergeable: false,
      mergeableReason: 'not_approved',
      approval: {
        approved: false,
        required: 1,
        received: 0,
        missingOwners: [],
      },
    });
    expect(change.url).toBeUndefined();
    expect(events).toEqual([
      {
        type: 'change',
        repository: 'platform',
        changeId: '1',
        action: 'opened',
      },
    ]);

    // what git itself sees
    const refs = await gitRefs(dir);
    expect(refs['refs/heads/butler/workspace/alice-dev']).toBe(change.headSha);
    expect(refs['refs/changes/01/1/head']).toBe(change.headSha);
    expect(refs['refs/changes/01/1/meta']).toMatch(/^[0-9a-f]{40}$/);
    expect(refs['refs/heads/main']).toBe(mainBefore);
    expect(
      await git([
        '--git-dir',
        dir,
        'cat-file',
        '-p',
        'refs/meta/butler/change-sequence',
      ]),
    ).toBe('1');
    const log = await git([
      '--git-dir',
      dir,
      'log',
      '-1',
      '--format=%an <%ae>|%P|%s',
      change.headSha,
    ]);
    expect(log).toBe(
      `Alice <alice@example.com>|${mainBefore}|Create workspace alice-dev`,
    );
    const meta = JSON.parse(
      await git([
        '--git-dir',
        dir,
        'show',
        'refs/changes/01/1/meta:change.json',
      ]),
    );
    expect(meta).toMatchObject({
      number: 1,
      state: 'open',
      headSha: change.headSha,
      ownsSourceBranch: true,
    });
    expect(await fsck(dir)).toBe('');

    // reading it back
    expect(
      (
        await provider.readFile(
          'workspaces/team-a/alice-dev.yaml',
          change.sourceBranch,
        )
      )?.content,
    ).toBe(WS.replace('dev', 'alice-dev'));
    expect(
      await provider.readFile('workspaces/team-a/alice-dev.yaml'),
    ).toBeUndefined();
    expect(
      (await provider.listTree(change.headSha, 'workspaces/')).map(e => e.path),
    ).toEqual([
      'workspaces/team-a/alice-dev.yaml',
      'workspaces/team-a/base.yaml',
    ]);
    expect(await provider.changedPaths(mainBefore, change.headSha)).toEqual([
      { path: 'workspaces/team-a/alice-dev.yaml', status: 'added' },
    ]);
    expect(await provider.getChangeFiles('1')).toEqual([
      {
        path: 'workspaces/team-a/alice-dev.yaml',
        status: 'added',
        after: WS.replace('dev', 'alice-dev'),
      },
    ]);
    expect((await provider.listChanges()).map(c => c.id)).toEqual(['1']);
    expect(await provider.listChanges({ state: 'merged' })).toEqual([]);
    expect(await provider.getChange('2')).toBeUndefined();
    expect(await provider.getChange('../1')).toBeUndefined();
  });

  it('updates and deletes files, with both sides in the change files', async () => {
    const { dir } = await createRepo({
      'pipelines/team-a/logs.yaml': 'kind: Pipeline\n',
    });
    const { provider } = makeProvider(dir);
    await provider.openChange({
      branch: 'butler/edit',
      title: 'Edit',
      description: '',
      operations: [
        {
          action: 'update',
          path: 'workspaces/team-a/base.yaml',
          content: `${WS}spec: {}\n`,
        },
        { action: 'delete', path: 'pipelines/team-a/logs.yaml' },
      ],
      actor: alice,
    });
    const files = await provider.getChangeFiles('1');
    expect(files).toEqual([
      {
        path: 'pipelines/team-a/logs.yaml',
        status: 'deleted',
        before: 'kind: Pipeline\n',
      },
      {
        path: 'workspaces/team-a/base.yaml',
        status: 'modified',
        before: WS,
        after: `${WS}spec: {}\n`,
      },
    ]);
    // the emptied folder is gone, as in git
    expect((await provider.listTree('butler/edit')).map(e => e.path)).toEqual([
      'README.md',
      'workspaces/team-a/base.yaml',
    ]);
    expect(await fsck(dir)).toBe('');
  });

  it('refuses bad input with a clear error and leaves nothing behind', async () => {
    const { dir } = await createRepo();
    const { provider, events } = makeProvider(dir);
    const refsBefore = await gitRefs(dir);
    const attempt = (overrides: object) =>
      provider.openChange({ ...createWorkspace('x'), ...overrides });

    await expect(
      attempt({
        operations: [
          { action: 'create', path: '../escape.yaml', content: 'x' },
        ],
      }),
    ).rejects.toThrow(
      new InputError(
        "operations[0].path: '../escape.yaml' has an empty, '.' or '..' component",
      ),
    );
    await expect(
      attempt({
        operations: [{ action: 'create', path: '.git/config', content: 'x' }],
      }),
    ).rejects.toThrow(/operations\[0\]\.path: '.git\/config' points into .git/);
    await expect(
      attempt({
        operations: [{ action: 'create', path: '/etc/passwd', content: 'x' }],
      }),
    ).rejects.toThrow(/must be relative/);
    await expect(
      attempt({
        operations: [
          {
            action: 'create',
            path: 'workspaces/team-a/base.yaml',
            content: 'x',
          },
        ],
      }),
    ).rejects.toThrow(ConflictError);
    await expect(
      attempt({
        operations: [
          {
            action: 'update',
            path: 'workspaces/team-a/nope.yaml',
            content: 'x',
          },
        ],
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      attempt({
        operations: [
          {
            action: 'update',
            path: 'workspaces/team-a/base.yaml',
            content: WS,
          },
        ],
      }),
    ).rejects.toThrow(/does not modify any file/);
    await expect(
      attempt({
        operations: [
          { action: 'create', path: 'a.yaml', content: 'x' },
          { action: 'delete', path: 'a.yaml' },
        ],
      }),
    ).rejects.toThrow(
      /operations\[1\]\.path: 'a.yaml' is edited by more than one operation/,
    );
    await expect(attempt({ operations: [] })).rejects.toThrow(InputError);
    await expect(attempt({ branch: 'main' })).rejects.toThrow(/default branch/);
    await expect(attempt({ branch: 'butler/../x' })).rejects.toThrow(
      /not a valid git branch name/,
    );
    await expect(attempt({ title: '  ' })).rejects.toThrow(/title/);
    await expect(attempt({ actor: { name: 'x', email: 'y' } })).rejects.toThrow(
      /actor.userRef/,
    );
    await expect(attempt({ baseCommit: 'f'.repeat(40) })).rejects.toThrow(
      NotFoundError,
    );

    expect(await gitRefs(dir)).toEqual(refsBefore);
    expect(await provider.listChanges()).toEqual([]);
    expect(events).toEqual([]);
    expect(await fsck(dir)).toBe('');

    await provider.openChange(createWorkspace('x'));
    await expect(provider.openChange(createWorkspace('x'))).rejects.toThrow(
      /branch 'butler\/workspace\/x' already exists/,
    );
    await expect(provider.readFile('../x')).rejects.toThrow(InputError);
    await expect(provider.head('nope')).rejects.toThrow(NotFoundError);
  });

  it('reads the exact bytes of a binary file (readFileBytes)', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const { dir } = await createRepo({ 'assets/logo.bin': bytes });
    const { provider } = makeProvider(dir);
    const [entry] = await provider.listTree(undefined, 'assets');
    expect(await provider.readFileBytes('assets/logo.bin')).toEqual({
      path: 'assets/logo.bin',
      content: bytes,
      sha: entry.sha,
    });
    // git's own blob id of those bytes: nothing was re-encoded on the way in
    expect(entry.sha).toBe(
      createHash('sha1')
        .update(Buffer.concat([Buffer.from('blob 256\0'), bytes]))
        .digest('hex'),
    );
    expect(await provider.readFileBytes('assets/none.bin')).toBeUndefined();
    await expect(provider.readFileBytes('../x')).rejects.toThrow(InputError);
  });

  it('counts approvals on the current head only, refuses self-approval, and blocks on requested changes', async () => {
    const { dir } = await createRepo();
    const { provider, events } = makeProvider(dir);
    const change = await provider.openChange(createWorkspace('dev2'));

    await expect(
      provider.review('1', { decision: 'approve', actor: alice }),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      provider.review('1', { decision: 'request_changes', actor: alice }),
    ).rejects.toThrow(NotAllowedError);
    const own = await provider.review('1', {
      decision: 'comment',
      comment: 'note to self',
      actor: alice,
    });
    expect(own).toMatchObject({
      author: 'user:default/alice',
      decision: 'comment',
      commitSha: change.headSha,
    });

    await provider.review('1', { decision: 'approve', actor: bob });
    let current = (await provider.getChange('1'))!;
    expect(current.approval).toEqual({
      approved: true,
      required: 1,
      received: 1,
      missingOwners: [],
    });
    // approved, but no validation status yet: that is pending, not a pass
    expect(current.mergeable).toBe(false);
    expect(current.mergeableReason).toBe('checks_pending');
    await provider.setCommitStatus(current.headSha, {
      context: VALIDATION_CHECK_CONTEXT,
      state: 'success',
    });
    current = (await provider.getChange('1'))!;
    expect(current.mergeable).toBe(true);

    // a new head pushed with git: the old approval no longer counts
    const newHead = await pushWithGit(
      dir,
      'butler/workspace/dev2',
      'workspaces/team-a/dev2.yaml',
      `${WS}# v2\n`,
    );
    await provider.handlePush([
      {
        ref: 'refs/heads/butler/workspace/dev2',
        before: change.headSha,
        after: newHead,
      },
    ]);
    current = (await provider.getChange('1'))!;
    expect(current.headSha).toBe(newHead);
    expect(current.approval).toMatchObject({ approved: false, received: 0 });
    expect(current.mergeableReason).toBe('not_approved');
    expect(events.map(e => (e.type === 'change' ? e.action : e.type))).toEqual([
      'opened',
      'reviewed',
      'reviewed',
      'updated',
    ]);
    expect(
      await git(['--git-dir', dir, 'rev-parse', 'refs/changes/01/1/head']),
    ).toBe(newHead);

    await provider.review('1', { decision: 'approve', actor: bob });
    await provider.review('1', {
      decision: 'request_changes',
      comment: 'rename it',
      actor: carol,
    });
    current = (await provider.getChange('1'))!;
    expect(current.approval.approved).toBe(false);
    expect(current.mergeableReason).toBe('changes_requested');
    await expect(provider.merge('1', bob)).rejects.toThrow(/changes_requested/);

    await provider.review('1', { decision: 'approve', actor: carol });
    current = (await provider.getChange('1'))!;
    expect(current.approval).toEqual({
      approved: true,
      required: 1,
      received: 2,
      missingOwners: [],
    });
    expect(current.reviews.map(r => [r.author, r.decision])).toEqual([
      ['user:default/alice', 'comment'],
      ['user:default/bob', 'approve'],
      ['user:default/bob', 'approve'],
      ['user:default/carol', 'request_changes'],
      ['user:default/carol', 'approve'],
    ]);
    expect(await fsck(dir)).toBe('');
  });

  it('lets the author approve when allowSelfApproval is set, and honours requiredApprovals', async () => {
    const { dir } = await createRepo();
    const demo = makeProvider(dir, { allowSelfApproval: true }).provider;
    await demo.openChange(createWorkspace('solo'));
    await demo.review('1', { decision: 'approve', actor: alice });
    expect((await demo.getChange('1'))!.approval.approved).toBe(true);

    const strict = makeProvider(dir, { requiredApprovals: 2 }).provider;
    // the same stored review, read under a stricter policy
    expect((await strict.getChange('1'))!.approval).toMatchObject({
      approved: false,
      required: 2,
      received: 0,
    });
    await strict.review('1', { decision: 'approve', actor: bob });
    await strict.review('1', { decision: 'approve', actor: carol });
    expect((await strict.getChange('1'))!.approval).toMatchObject({
      approved: true,
      received: 2,
    });
  });

  it('requires an approval from the CODEOWNERS of every changed path', async () => {
    const { dir } = await createRepo({
      '.github/CODEOWNERS': [
        '# owners',
        '*                @platform-team',
        '/workspaces/     @guest',
        'docs/            ops@example.com',
        'pipelines/*      @butlerlabs/observability',
        '',
      ].join('\n'),
    });
    const { provider } = makeProvider(dir, {
      isGroup: async ref =>
        ['group:default/platform-team', 'group:default/observability'].includes(
          ref,
        ),
      isMember: async (user, group) =>
        (user === 'user:default/bob' &&
          group === 'group:default/platform-team') ||
        (user === 'user:default/carol' &&
          group === 'group:default/observability'),
      resolveEmail: async email =>
        email === 'ops@example.com' ? 'user:default/ops' : undefined,
    });

    await provider.openChange(createWorkspace('owned'));
    await provider.review('1', { decision: 'approve', actor: carol });
    let change = (await provider.getChange('1'))!;
    expect(change.approval).toEqual({
      approved: false,
      required: 1,
      received: 1,
      missingOwners: ['user:default/guest'],
    });
    expect(change.mergeableReason).toBe('not_approved');
    await provider.review('1', { decision: 'approve', actor: guest });
    change = (await provider.getChange('1'))!;
    expect(change.approval).toMatchObject({
      approved: true,
      received: 2,
      missingOwners: [],
    });

    await provider.openChange({
      branch: 'butler/multi',
      title: 'Several owners',
      description: '',
      operations: [
        { action: 'create', path: 'README2.md', content: 'x' },
        { action: 'create', path: 'docs/guide.md', content: 'x' },
        { action: 'create', path: 'pipelines/logs.yaml', content: 'x' },
      ],
      actor: alice,
    });
    expect((await provider.getChange('2'))!.approval.missingOwners).toEqual([
      'group:default/observability',
      'group:default/platform-team',
      'user:default/ops',
    ]);
    await provider.review('2', { decision: 'approve', actor: bob }); // platform-team member
    await provider.review('2', { decision: 'approve', actor: carol }); // observability member
    expect((await provider.getChange('2'))!.approval.missingOwners).toEqual([
      'user:default/ops',
    ]);
    await provider.review('2', {
      decision: 'approve',
      actor: {
        userRef: 'user:default/ops',
        name: 'Ops',
        email: 'ops@example.com',
      },
    });
    expect((await provider.getChange('2'))!.approval).toMatchObject({
      approved: true,
      missingOwners: [],
    });
  });

  it('merges non-overlapping changes cleanly and reports overlapping ones as conflicts', async () => {
    const { dir } = await createRepo();
    const { provider, events } = makeProvider(dir);
    const base = await provider.head();
    await provider.openChange(createWorkspace('one'));
    await provider.openChange(createWorkspace('two'));
    const edit = (branch: string, content: string) =>
      provider.openChange({
        branch,
        title: `edit ${branch}`,
        description: '',
        operations: [
          { action: 'update', path: 'workspaces/team-a/base.yaml', content },
        ],
        actor: alice,
      });
    await edit('butler/edit-a', `${WS}# a\n`);
    await edit('butler/edit-b', `${WS}# b\n`);
    for (const id of ['1', '2', '3', '4'])
      await provider.review(id, { decision: 'approve', actor: bob });
    events.length = 0;

    const first = await provider.merge('1', carol);
    expect(first.state).toBe('merged');
    expect(first.mergeable).toBe(false);
    expect(first.mergeableReason).toBe('merged');
    const main1 = await provider.head();
    expect(first.mergeCommitSha).toBe(main1);
    expect(
      await git([
        '--git-dir',
        dir,
        'log',
        '-1',
        '--format=%an <%ae>|%cn|%P',
        main1,
      ]),
    ).toBe(`Carol <carol@example.com>|Carol|${base} ${first.headSha}`);
    const refs = await gitRefs(dir);
    expect(refs['refs/heads/butler/workspace/one']).toBeUndefined();
    expect(refs['refs/changes/01/1/head']).toBe(first.headSha);
    expect(events).toEqual([
      {
        type: 'change',
        repository: 'platform',
        changeId: '1',
        action: 'merged',
      },
      {
        type: 'push',
        repository: 'platform',
        branch: 'main',
        before: base,
        after: main1,
      },
    ]);

    // the second change was made on the old base and touches another file (only the missing
    // validation status holds it)
    expect((await provider.getChange('2'))!.mergeableReason).toBe('checks_pending');
    await provider.merge('2', carol);
    const tree = (await provider.listTree()).map(e => e.path);
    expect(tree).toEqual(
      expect.arrayContaining([
        'workspaces/team-a/one.yaml',
        'workspaces/team-a/two.yaml',
      ]),
    );

    await provider.merge('3', carol);
    const mainBeforeConflict = await provider.head();
    const conflicting = (await provider.getChange('4'))!;
    expect(conflicting.mergeable).toBe(false);
    expect(conflicting.mergeableReason).toBe('conflict');
    await expect(provider.merge('4', carol)).rejects.toThrow(ConflictError);
    await expect(provider.merge('4', carol)).rejects.toThrow(/conflict/);
    expect(await provider.head()).toBe(mainBeforeConflict);
    expect((await provider.getChange('4'))!.state).toBe('open');
    await expect(provider.merge('1', carol)).rejects.toThrow(/already merged/);
    expect(
      (await provider.readFile('workspaces/team-a/base.yaml'))!.content,
    ).toBe(`${WS}# a\n`);
    expect(await fsck(dir)).toBe('');
  });

  it('stores commit statuses as git notes and blocks merging on failing checks', async () => {
    const { dir } = await createRepo();
    const { provider } = makeProvider(dir);
    const change = await provider.openChange(createWorkspace('checked'));
    await provider.review('1', { decision: 'approve', actor: bob });

    await provider.setCommitStatus(change.headSha, {
      context: 'butler-portal/validate',
      state: 'failure',
      description: 'spec.owner is required',
    });
    let current = (await provider.getChange('1'))!;
    expect(current.checks).toEqual([
      {
        context: 'butler-portal/validate',
        state: 'failure',
        description: 'spec.owner is required',
      },
    ]);
    expect(current.mergeableReason).toBe('checks_failed');
    await expect(provider.merge('1', bob)).rejects.toThrow(/checks_failed/);

    await provider.setCommitStatus(change.headSha, {
      context: 'butler-portal/validate',
      state: 'success',
    });
    await provider.setCommitStatus(change.headSha, {
      context: 'butler-portal/lint',
      state: 'pending',
    });
    current = (await provider.getChange('1'))!;
    expect(current.checks.map(c => `${c.context}=${c.state}`)).toEqual([
      'butler-portal/lint=pending',
      'butler-portal/validate=success',
    ]);
    expect(current.mergeableReason).toBe('checks_pending');
    await provider.setCommitStatus(change.headSha, {
      context: 'butler-portal/lint',
      state: 'success',
    });
    expect((await provider.getChange('1'))!.mergeable).toBe(true);

    // git itself reads the note
    const note = JSON.parse(
      await git([
        '--git-dir',
        dir,
        'notes',
        '--ref=butler-status',
        'show',
        change.headSha,
      ]),
    );
    expect(note.checks.map((c: { context: string }) => c.context)).toEqual([
      'butler-portal/lint',
      'butler-portal/validate',
    ]);
    await expect(
      provider.setCommitStatus('nope', { context: 'x', state: 'success' }),
    ).rejects.toThrow(InputError);
    await expect(
      provider.setCommitStatus(change.headSha, {
        context: 'x',
        state: 'done' as any,
      }),
    ).rejects.toThrow(/check.state/);
    await expect(
      provider.setCommitStatus('a'.repeat(40), {
        context: 'x',
        state: 'success',
      }),
    ).rejects.toThrow(NotFoundError);
    expect(await fsck(dir)).toBe('');
  });

  it('closes a change: deletes the portal branch but keeps its head reachable', async () => {
    const { dir } = await createRepo();
    const { provider, events } = makeProvider(dir);
    const change = await provider.openChange(createWorkspace('gone'));
    const closed = await provider.close('1', bob);
    expect(closed).toMatchObject({
      state: 'closed',
      mergeable: false,
      mergeableReason: 'closed',
      headSha: change.headSha,
    });
    const refs = await gitRefs(dir);
    expect(refs['refs/heads/butler/workspace/gone']).toBeUndefined();
    expect(refs['refs/changes/01/1/head']).toBe(change.headSha);
    expect(await provider.getChangeFiles('1')).toHaveLength(1);
    await expect(
      provider.review('1', { decision: 'approve', actor: bob }),
    ).rejects.toThrow(ConflictError);
    await expect(provider.close('1', bob)).rejects.toThrow(/already closed/);
    await expect(provider.close('9', bob)).rejects.toThrow(NotFoundError);
    expect(events.at(-1)).toEqual({
      type: 'change',
      repository: 'platform',
      changeId: '1',
      action: 'closed',
    });
    // git gc keeps what the change refers to
    await git(['--git-dir', dir, 'gc', '--quiet', '--prune=now']);
    expect(await provider.getChangeFiles('1')).toHaveLength(1);
    expect(await fsck(dir)).toBe('');
  });

  it('opens a change from a branch pushed with git, and keeps that branch on merge', async () => {
    const { dir } = await createRepo();
    const { provider } = makeProvider(dir);
    const head = await pushWithGit(
      dir,
      'feature/ide',
      'workspaces/team-a/ide.yaml',
      WS,
    );
    const change = await provider.openChangeFromBranch({
      branch: 'feature/ide',
      title: 'From my IDE',
      description: 'pushed with git',
      actor: alice,
    });
    expect(change).toMatchObject({
      number: 1,
      headSha: head,
      paths: ['workspaces/team-a/ide.yaml'],
      state: 'open',
    });
    await expect(
      provider.openChangeFromBranch({
        branch: 'feature/ide',
        title: 'again',
        description: '',
        actor: alice,
      }),
    ).rejects.toThrow(/already has the open change 1/);
    await expect(
      provider.openChangeFromBranch({
        branch: 'main',
        title: 'x',
        description: '',
        actor: alice,
      }),
    ).rejects.toThrow(InputError);
    await expect(
      provider.openChangeFromBranch({
        branch: 'nope',
        title: 'x',
        description: '',
        actor: alice,
      }),
    ).rejects.toThrow(NotFoundError);

    await provider.review('1', { decision: 'approve', actor: bob });
    await provider.merge('1', bob);
    expect((await gitRefs(dir))['refs/heads/feature/ide']).toBe(head);
    await expect(
      provider.openChangeFromBranch({
        branch: 'feature/ide',
        title: 'x',
        description: '',
        actor: alice,
      }),
    ).rejects.toThrow(/no commits that are not on 'main'/);
    expect(await fsck(dir)).toBe('');
  });

  it('creates 20 concurrent changes on one repository with distinct numbers', async () => {
    const { dir } = await createRepo();
    const { provider, events } = makeProvider(dir);
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        provider.openChange(createWorkspace(`ws-${i}`)),
      ),
    );
    const numbers = created.map(c => c.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await provider.listChanges()).toHaveLength(20);
    expect(
      events.filter(e => e.type === 'change' && e.action === 'opened'),
    ).toHaveLength(20);
    const refs = await gitRefs(dir);
    for (let i = 0; i < 20; i++)
      expect(refs[`refs/heads/butler/workspace/ws-${i}`]).toBeDefined();
    expect(
      await git([
        '--git-dir',
        dir,
        'cat-file',
        '-p',
        'refs/meta/butler/change-sequence',
      ]),
    ).toBe('20');
    expect(await fsck(dir)).toBe('');
  });

  it('keeps numbers distinct when two provider instances write the same repository at once', async () => {
    const { dir } = await createRepo();
    const a = makeProvider(dir).provider;
    const b = makeProvider(dir).provider;
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).openChange(createWorkspace(`pair-${i}`)),
      ),
    );
    expect(new Set(created.map(c => c.number)).size).toBe(20);
    // and concurrent reviews of one change from both instances are all kept
    await Promise.all([
      a.review('1', { decision: 'comment', comment: 'a', actor: bob }),
      b.review('1', { decision: 'comment', comment: 'b', actor: carol }),
      a.review('1', { decision: 'approve', actor: carol }),
      b.review('1', { decision: 'approve', actor: bob }),
    ]);
    expect((await a.getChange('1'))!.reviews).toHaveLength(4);
    expect(await a.listChanges()).toHaveLength(20);
    expect(await fsck(dir)).toBe('');
  });

  it('survives a restart and a new machine: a mirror clone carries every change and review', async () => {
    const { root, dir } = await createRepo({ CODEOWNERS: '* @guest\n' });
    const { provider } = makeProvider(dir);
    const c1 = await provider.openChange(createWorkspace('m1'));
    await provider.openChange(createWorkspace('m2'));
    await provider.openChange(createWorkspace('m3'));
    await provider.review('1', {
      decision: 'approve',
      comment: 'ok',
      actor: guest,
    });
    await provider.setCommitStatus(c1.headSha, {
      context: 'butler-portal/validate',
      state: 'success',
    });
    await provider.merge('1', guest);
    await provider.review('2', {
      decision: 'request_changes',
      comment: 'no',
      actor: bob,
    });
    await provider.close('3', alice);
    const original = await provider.listChanges();

    const mirror = path.join(root, 'mirror.git');
    await git(['clone', '--quiet', '--mirror', dir, mirror]);
    const restored = makeProvider(mirror).provider;
    expect(await restored.listChanges()).toEqual(original);
    expect(await restored.getChangeFiles('1')).toEqual(
      await provider.getChangeFiles('1'),
    );
    expect(await restored.head()).toBe(await provider.head());
    expect((await restored.listChanges()).map(c => [c.id, c.state])).toEqual([
      ['3', 'closed'],
      ['2', 'open'],
      ['1', 'merged'],
    ]);
    // numbering continues after the restored changes
    expect((await restored.openChange(createWorkspace('m4'))).number).toBe(4);
    expect(await fsck(mirror)).toBe('');
  });
});
