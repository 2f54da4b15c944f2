import fs from 'fs';
import path from 'path';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { jane } from '../__testUtils__/actors';
import {
  githubProviderOn,
  startFakeGithub,
  withGithubToken,
} from '@butler-portal/plugin-gitops-backend-module-github/testUtils';
import { createLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { FakeGithubServer } from '@butler-portal/fake-github';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  git,
  gitRefs,
  makeTempDir,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { ChangeService } from './ChangeService';
import type { IdempotencyClaim, IdempotencyStore } from './IdempotencyStore';
import { ResourceValidationError } from './ResourceValidationError';
import { VALIDATION_CHECK_CONTEXT } from './validateChangeFiles';

const EXISTING = `# yaml-language-server: $schema=../../../schemas/workspace.schema.json
apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: alice-dev
  namespace: team-a
spec:
  # Email of the owner.
  owner: alice@example.com
  clusterRef:
    name: team-a-dev   # the TenantCluster
  image: golang:1.23-bookworm
  resources:
    cpu: "2"
    memory: 4Gi
`;

/** the file the repository starts with, and the one the tests add */
const ALICE_DEV = {
  kind: 'Workspace',
  namespace: 'team-a',
  name: 'alice-dev',
} as const;
const JANE_DEV = {
  kind: 'Workspace',
  namespace: 'team-a',
  name: 'jane-dev',
} as const;

const NEW_WORKSPACE = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'jane-dev', namespace: 'team-a' },
  spec: {
    owner: 'jane@example.com',
    clusterRef: { name: 'team-a-dev' },
    image: 'ghcr.io/butlerdotdev/workspace-base:1.2.0',
  },
};

/** The store contract on a Map: claims, completes, releases; counts what happened. */
class MapIdempotencyStore implements IdempotencyStore {
  readonly rows = new Map<string, { hash: string; changeId?: string }>();
  failNextComplete = false;

  async claim(input: {
    key: string;
    userRef: string;
    requestHash: string;
  }): Promise<IdempotencyClaim> {
    const id = `${input.userRef}\n${input.key}`;
    const row = this.rows.get(id);
    if (!row) {
      this.rows.set(id, { hash: input.requestHash });
      return { state: 'claimed' };
    }
    if (row.hash !== input.requestHash) return { state: 'mismatch' };
    return row.changeId
      ? { state: 'completed', changeId: row.changeId }
      : { state: 'in_progress' };
  }

  async complete(input: { key: string; userRef: string; changeId: string }) {
    if (this.failNextComplete) {
      this.failNextComplete = false;
      throw new Error('database went away');
    }
    this.rows.get(`${input.userRef}\n${input.key}`)!.changeId = input.changeId;
  }

  async release(input: { key: string; userRef: string }) {
    this.rows.delete(`${input.userRef}\n${input.key}`);
  }
}

async function setup() {
  const { dir } = await createLocalRepository(
    {
      'workspaces/team-a/alice-dev.yaml': EXISTING,
      'README.md': '# platform\n',
    },
    { prefix: 'butler-changes-' },
  );
  const provider = new LocalGitProvider({
    repository: 'platform',
    dir,
    requiredApprovals: 1,
    allowSelfApproval: true,
  });
  const store = new MapIdempotencyStore();
  const service = new ChangeService({
    repositories: [
      {
        id: 'platform',
        provider,
        kinds: ['Workspace', 'WorkspaceTemplate', 'TenantAddon'],
      },
    ],
    idempotency: store,
  });
  return { dir, provider, service, store };
}

async function approveAndMerge(service: ChangeService, id: string) {
  await service.review(id, { decision: 'approve' }, jane);
  return service.merge(id, jane);
}

afterEach(removeTempDirs);

describe('ChangeService', () => {
  it('creates: one branch, one commit by the user, one added file, diff and validation in the description', async () => {
    const { dir, service } = await setup();
    const submitted = await service.submit(
      {
        operation: 'create',
        kind: 'workspaces',
        namespace: 'team-a',
        name: 'jane-dev',
        resource: NEW_WORKSPACE,
      },
      { actor: jane, notes: ['the catalog has no email for you'] },
    );
    expect(submitted).toMatchObject({
      id: 'platform:1',
      number: 1,
      repository: 'platform',
      state: 'open',
      created: true,
    });
    expect(submitted.branch).toMatch(
      /^butler\/workspace\/jane-dev\/[0-9a-f]{8}$/,
    );

    // git itself sees one commit on the branch, authored as the user
    expect(
      await git([
        '--git-dir',
        dir,
        'rev-list',
        '--count',
        `main..${submitted.branch}`,
      ]),
    ).toBe('1');
    expect(
      await git([
        '--git-dir',
        dir,
        'log',
        '-1',
        '--format=%an <%ae>',
        submitted.branch,
      ]),
    ).toBe('Jane Doe <jane@example.com>');
    expect(
      await git([
        '--git-dir',
        dir,
        'diff',
        '--name-status',
        `main...${submitted.branch}`,
      ]),
    ).toBe('A\tworkspaces/team-a/jane-dev.yaml');

    const detail = await service.getChange(submitted.id);
    expect(detail.files).toHaveLength(1);
    expect(detail.files[0]).toMatchObject({
      path: 'workspaces/team-a/jane-dev.yaml',
      status: 'added',
    });
    expect(detail.files[0].diff).toContain(
      '--- /dev/null\n+++ b/workspaces/team-a/jane-dev.yaml',
    );
    expect(detail.files[0].diff).toContain('+  name: jane-dev');
    expect(detail.resources).toEqual([
      {
        ...JANE_DEV,
        operation: 'create',
      },
    ]);
    expect(detail.validation).toEqual({ ok: true, issues: [] });
    expect(detail.title).toBe('Create Workspace team-a/jane-dev');
    expect(detail.description).toContain('```diff\n--- /dev/null');
    expect(detail.description).toContain('**Validation:** passed');
    expect(detail.description).toContain(
      'Jane Doe <jane@example.com> (`user:default/jane`)',
    );
    expect(detail.description).toContain(
      '> Note: the catalog has no email for you',
    );
    expect(detail.checks).toEqual([
      expect.objectContaining({
        context: VALIDATION_CHECK_CONTEXT,
        state: 'success',
      }),
    ]);
  });

  it('updates in place: one changed field is one changed line, comments stay', async () => {
    const { service } = await setup();
    const submitted = await service.submit(
      {
        operation: 'update',
        ...ALICE_DEV,
        resource: {
          apiVersion: 'butler.butlerlabs.dev/v1alpha1',
          kind: 'Workspace',
          metadata: { name: 'alice-dev', namespace: 'team-a' },
          spec: {
            owner: 'alice@example.com',
            clusterRef: { name: 'team-a-dev' },
            image: 'golang:1.24-bookworm',
            resources: { cpu: '2', memory: '4Gi' },
          },
        },
      },
      { actor: jane },
    );
    const detail = await service.getChange(submitted.id);
    expect(detail.files).toHaveLength(1);
    const [file] = detail.files;
    expect(file.status).toBe('modified');
    const changedLines = file.diff
      .split('\n')
      .filter(l => /^[-+](?![-+]{2} )/.test(l));
    expect(changedLines).toEqual([
      '-  image: golang:1.23-bookworm',
      '+  image: golang:1.24-bookworm',
    ]);
    expect(file.after).toBe(EXISTING.replace('golang:1.23', 'golang:1.24'));
    expect(detail.resources).toEqual([
      {
        ...ALICE_DEV,
        operation: 'update',
      },
    ]);
  });

  it('deletes a file', async () => {
    const { service } = await setup();
    const submitted = await service.submit(
      {
        operation: 'delete',
        ...ALICE_DEV,
      },
      { actor: jane },
    );
    const detail = await service.getChange(submitted.id);
    expect(detail.files.map(f => [f.path, f.status])).toEqual([
      ['workspaces/team-a/alice-dev.yaml', 'deleted'],
    ]);
    expect(detail.description).toContain('not applicable, the file is deleted');
    await approveAndMerge(service, submitted.id);
    expect((await service.getChange(submitted.id)).state).toBe('merged');
  });

  it('refuses a stale baseRevision with 409 and accepts one where only other files changed', async () => {
    const { provider, service } = await setup();
    const base = await provider.head();
    const first = await service.submit(
      {
        operation: 'update',
        ...ALICE_DEV,
        yaml: EXISTING.replace('cpu: "2"', 'cpu: "4"'),
        baseRevision: base,
      },
      { actor: jane },
    );
    await approveAndMerge(service, first.id);

    const stale = service.submit(
      {
        operation: 'update',
        ...ALICE_DEV,
        yaml: EXISTING.replace('memory: 4Gi', 'memory: 8Gi'),
        baseRevision: base,
      },
      { actor: jane },
    );
    await expect(stale).rejects.toThrow(ConflictError);
    await expect(stale).rejects.toThrow(/changed since baseRevision/);

    // a create based on the old revision is fine: its file did not change in between
    const other = await service.submit(
      {
        operation: 'create',
        ...JANE_DEV,
        resource: NEW_WORKSPACE,
        baseRevision: base,
      },
      { actor: jane },
    );
    expect(other.created).toBe(true);

    await expect(
      service.submit(
        {
          operation: 'delete',
          ...ALICE_DEV,
          baseRevision: 'f'.repeat(40),
        },
        { actor: jane },
      ),
    ).rejects.toThrow(/baseRevision: f{40} is not a commit/);
  });

  it('answers 409 for a create of an existing file and 404 for an update of a missing one', async () => {
    const { service } = await setup();
    await expect(
      service.submit(
        {
          operation: 'create',
          ...ALICE_DEV,
          yaml: EXISTING,
        },
        { actor: jane },
      ),
    ).rejects.toThrow(ConflictError);
    await expect(
      service.submit(
        {
          operation: 'update',
          kind: 'Workspace',
          namespace: 'team-a',
          name: 'nobody',
          resource: NEW_WORKSPACE,
        },
        { actor: jane },
      ),
    ).rejects.toThrow(NotFoundError);
  });

  it('refuses a second create of a file an open change already adds, naming that change; merged or closed, it is free again', async () => {
    const { dir, service, provider } = await setup();
    const submission = {
      operation: 'create' as const,
      ...JANE_DEV,
      resource: NEW_WORKSPACE,
    };
    const first = await service.submit(submission, { actor: jane });
    const refsBefore = await gitRefs(dir);
    const second = service.submit(submission, { actor: jane });
    await expect(second).rejects.toThrow(ConflictError);
    await expect(second).rejects.toThrow(
      `Workspace team-a/jane-dev is already being created by change request ${first.id}, opened by Jane Doe; no second change request was opened.`,
    );
    expect(await gitRefs(dir)).toEqual(refsBefore);
    expect(await provider.listChanges()).toHaveLength(1);

    await service.close(first.id, jane);
    const again = await service.submit(submission, { actor: jane });
    expect(again.id).not.toBe(first.id);
    await approveAndMerge(service, again.id);
    // on the default branch now: the existing-file conflict speaks
    await expect(service.submit(submission, { actor: jane })).rejects.toThrow(
      /already exists in repository 'platform'/,
    );
  });

  it('returns the same change for a retried idempotency key, never a second one', async () => {
    const { service, provider, store } = await setup();
    const submission = {
      operation: 'create' as const,
      ...JANE_DEV,
      resource: NEW_WORKSPACE,
    };
    const first = await service.submit(
      submission,
      { actor: jane },
      { idempotencyKey: 'key-1' },
    );
    const again = await service.submit(
      { ...submission, resource: { ...NEW_WORKSPACE } },
      { actor: jane },
      { idempotencyKey: 'key-1' },
    );
    expect(again).toEqual({ ...first, created: false });
    expect(await provider.listChanges()).toHaveLength(1);

    await expect(
      service.submit(
        { ...submission, name: 'other' },
        { actor: jane },
        { idempotencyKey: 'key-1' },
      ),
    ).rejects.toThrow(/already used for a different request/);

    // the first try opened the change but could not record it (process died, database away):
    // the retry finds the change by its key-derived branch
    const second = {
      ...submission,
      name: 'jane-test',
      resource: {
        ...NEW_WORKSPACE,
        metadata: { name: 'jane-test', namespace: 'team-a' },
      },
    };
    store.failNextComplete = true;
    await expect(
      service.submit(second, { actor: jane }, { idempotencyKey: 'key-2' }),
    ).rejects.toThrow('database went away');
    const retried = await service.submit(
      second,
      { actor: jane },
      { idempotencyKey: 'key-2' },
    );
    expect(retried).toMatchObject({ number: 2, created: false });
    expect(await provider.listChanges()).toHaveLength(2);

    await expect(
      service.submit(
        submission,
        { actor: jane },
        { idempotencyKey: 'has space' },
      ),
    ).rejects.toThrow(InputError);
  });

  it.each([
    ['name', { namespace: 'team-a', name: '../x' }],
    ['name', { namespace: 'team-a', name: 'a/../../b' }],
    ['namespace', { namespace: '..', name: 'x' }],
    ['namespace', { namespace: 'Team A', name: 'x' }],
  ])(
    'refuses a hostile %s with 400 before anything is written',
    async (_part, names) => {
      const { dir, service, store } = await setup();
      const refsBefore = await gitRefs(dir);
      const attempt = service.submit(
        {
          operation: 'create',
          kind: 'Workspace',
          ...names,
          resource: NEW_WORKSPACE,
        },
        { actor: jane },
        { idempotencyKey: 'k' },
      );
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(/is not a valid DNS-1123 name/);
      expect(await gitRefs(dir)).toEqual(refsBefore);
      expect(store.rows.size).toBe(0);
    },
  );

  it('refuses an invalid resource with located issues and creates no branch', async () => {
    const { dir, service, store } = await setup();
    const refsBefore = await gitRefs(dir);
    const invalid = `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: jane-dev
  namespace: team-a
spec:
  owner: jane@example.com
  clusterRef:
    name: team-a-dev
  image: 42
  unknownField: true
`;
    const error = await service
      .submit(
        {
          operation: 'create',
          ...JANE_DEV,
          yaml: invalid,
        },
        { actor: jane },
        { idempotencyKey: 'k' },
      )
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(ResourceValidationError);
    expect(error.message).toMatch(
      /^workspaces\/team-a\/jane-dev\.yaml is not valid: /,
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'workspaces/team-a/jane-dev.yaml',
          path: '/spec/image',
          line: 10,
        }),
        expect.objectContaining({
          file: 'workspaces/team-a/jane-dev.yaml',
          line: 11,
        }),
      ]),
    );
    expect(await gitRefs(dir)).toEqual(refsBefore);
    // the failed try gave its key back
    expect(store.rows.size).toBe(0);
  });

  it('refuses a resource whose name does not match its path', async () => {
    const { service } = await setup();
    await expect(
      service.submit(
        {
          operation: 'create',
          kind: 'Workspace',
          namespace: 'team-a',
          name: 'someone-else',
          resource: NEW_WORKSPACE,
        },
        { actor: jane },
      ),
    ).rejects.toThrow(ResourceValidationError);
  });

  it('names the request field of a bad submission in issues, before anything is written', async () => {
    const { dir, service } = await setup();
    const refsBefore = await gitRefs(dir);
    const refused = (submission: object) =>
      service.submit(submission as any, { actor: jane }).then(
        () => undefined,
        e => e,
      );
    const cases: Array<[object, string, RegExp]> = [
      [
        { ...JANE_DEV, operation: 'move', resource: NEW_WORKSPACE },
        '/operation',
        /must be create, update or delete/,
      ],
      [
        {
          ...JANE_DEV,
          operation: 'create',
          kind: 'Secret',
          resource: NEW_WORKSPACE,
        },
        '/kind',
        /"Secret" is not a known kind/,
      ],
      [
        {
          ...JANE_DEV,
          operation: 'create',
          name: '../x',
          resource: NEW_WORKSPACE,
        },
        '/name',
        /"\.\.\/x" is not a valid DNS-1123 name/,
      ],
      [
        {
          ...JANE_DEV,
          operation: 'create',
          namespace: 'A/B',
          resource: NEW_WORKSPACE,
        },
        '/namespace',
        /not a valid DNS-1123 name/,
      ],
      [
        { ...JANE_DEV, operation: 'create', resource: [NEW_WORKSPACE] },
        '/resource',
        /must be an object/,
      ],
      [
        { ...JANE_DEV, operation: 'delete', yaml: 'x: 1' },
        '/yaml',
        /a delete takes neither/,
      ],
      [
        {
          ...JANE_DEV,
          operation: 'create',
          resource: NEW_WORKSPACE,
          repository: 'other',
        },
        '/repository',
        /"other" is not configured/,
      ],
      [
        {
          ...JANE_DEV,
          operation: 'create',
          resource: NEW_WORKSPACE,
          baseRevision: 'HEAD~1',
        },
        '/baseRevision',
        /full commit id/,
      ],
    ];
    for (const [submission, pointer, message] of cases) {
      const error = await refused(submission);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(new RegExp(`^${pointer.slice(1)}: `));
      expect(error.issues).toEqual([
        {
          path: pointer,
          line: 1,
          column: 1,
          message: expect.stringMatching(message),
        },
      ]);
    }
    expect(await gitRefs(dir)).toEqual(refsBefore);
  });

  it('refuses a resource nested deeper than a file may be, instead of overflowing the stack', async () => {
    const { dir, service } = await setup();
    const refsBefore = await gitRefs(dir);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    for (const idempotencyKey of [undefined, 'deep']) {
      const error = await service
        .submit(
          {
            operation: 'create',
            ...JANE_DEV,
            resource: {
              ...NEW_WORKSPACE,
              spec: { ...NEW_WORKSPACE.spec, deep },
            },
          },
          { actor: jane },
          { idempotencyKey },
        )
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe('resource: nesting is deeper than 64 levels');
    }
    // a resource at the limit is only as deep as a valid file may be
    let atLimit: unknown = 'x';
    for (let i = 0; i < 61; i++) atLimit = { a: atLimit };
    const shallow = await service
      .submit(
        {
          operation: 'create',
          ...JANE_DEV,
          resource: {
            ...NEW_WORKSPACE,
            spec: { ...NEW_WORKSPACE.spec, atLimit },
          },
        },
        { actor: jane },
      )
      .then(
        () => undefined,
        e => e,
      );
    // the schema refuses the unknown field: the depth check let it through to validation
    expect(shallow).toBeInstanceOf(ResourceValidationError);
    expect(await gitRefs(dir)).toEqual(refsBefore);
  });

  it('validates a pushed branch as a check: an invalid file blocks the merge', async () => {
    const { dir, service } = await setup();
    const work = await makeTempDir('butler-work-');
    await git(['clone', '--quiet', dir, work]);
    await git(['checkout', '--quiet', '-b', 'ide/edit'], { cwd: work });
    await fs.promises.writeFile(
      path.join(work, 'workspaces/team-a/alice-dev.yaml'),
      EXISTING.replace('image: golang:1.23-bookworm', 'image: [1, 2]'),
    );
    await git(['commit', '--quiet', '-am', 'edit in the IDE'], { cwd: work });
    await git(['push', '--quiet', 'origin', 'ide/edit'], { cwd: work });

    const summary = await service.openFromBranch(
      { repository: 'platform', branch: 'ide/edit', title: 'Edit alice-dev' },
      { actor: jane },
    );
    expect(summary.checks).toEqual([
      expect.objectContaining({
        context: VALIDATION_CHECK_CONTEXT,
        state: 'failure',
      }),
    ]);
    const detail = await service.getChange(summary.id);
    expect(detail.validation.ok).toBe(false);
    expect(detail.validation.issues[0]).toMatchObject({
      file: 'workspaces/team-a/alice-dev.yaml',
      path: '/spec/image',
    });
    await service.review(summary.id, { decision: 'approve' }, jane);
    const refused = await service.merge(summary.id, jane).catch(e => e);
    expect(refused).toBeInstanceOf(ResourceValidationError);
    expect(refused.message).toContain('workspaces/team-a/alice-dev.yaml');
    expect(refused.issues[0]).toMatchObject({ path: '/spec/image' });
  });

  it('says "diff too large" instead of diffing or sending a huge file', async () => {
    const { provider, service } = await setup();
    const huge = `# ${'x'.repeat(600 * 1024)}\n`;
    const opened = await provider.openChange({
      branch: 'direct/huge',
      title: 'Huge',
      description: '',
      operations: [
        { action: 'create', path: 'docs/huge.md', content: huge },
        { action: 'create', path: 'docs/small.md', content: 'small\n' },
      ],
      actor: jane,
    });
    const detail = await service.getChange(`platform:${opened.number}`);
    const byPath = Object.fromEntries(detail.files.map(f => [f.path, f]));
    expect(byPath['docs/huge.md']).toEqual({
      path: 'docs/huge.md',
      status: 'added',
      diff: '',
      diffTooLarge: true,
    });
    expect(byPath['docs/small.md'].diff).toContain('+small');
    expect(JSON.stringify(detail).length).toBeLessThan(100 * 1024);
  });

  it('counts a missing validation status as pending, and validates the head itself inside merge', async () => {
    const { provider, service } = await setup();
    // opened behind the service's back: no butler-portal/validate status at all
    const opened = await provider.openChange({
      branch: 'direct/no-status',
      title: 'No status',
      description: '',
      operations: [
        {
          action: 'update',
          path: 'workspaces/team-a/alice-dev.yaml',
          content: EXISTING.replace('image: golang:1.23-bookworm', 'image: [1, 2]'),
        },
      ],
      actor: jane,
    });
    await provider.review(opened.id, { decision: 'approve', actor: jane });
    const before = (await provider.getChange(opened.id))!;
    expect(before.checks).toEqual([]);
    expect(before.mergeable).toBe(false);
    expect(before.mergeableReason).toBe('checks_pending');

    const id = `platform:${opened.number}`;
    await expect(service.merge(id, jane)).rejects.toBeInstanceOf(ResourceValidationError);
    const after = (await provider.getChange(opened.id))!;
    expect(after.state).toBe('open');
    expect(after.checks).toEqual([
      expect.objectContaining({ context: VALIDATION_CHECK_CONTEXT, state: 'failure' }),
    ]);

    // a valid change without a status: merge validates, records the status, then merges
    const fine = await provider.openChange({
      branch: 'direct/valid',
      title: 'Valid, no status',
      description: '',
      operations: [
        {
          action: 'update',
          path: 'workspaces/team-a/alice-dev.yaml',
          content: EXISTING.replace('golang:1.23-bookworm', 'golang:1.24-bookworm'),
        },
      ],
      actor: jane,
    });
    await provider.review(fine.id, { decision: 'approve', actor: jane });
    const merged = await service.merge(`platform:${fine.number}`, jane);
    expect(merged.state).toBe('merged');
  });

  it('works out the views of one page only, with the same rows as the whole listing', async () => {
    const { provider, service } = await setup();
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three', 'four']) {
      const change = await service.submit(
        {
          operation: 'create',
          kind: 'workspaces',
          namespace: 'team-a',
          name,
          resource: { ...NEW_WORKSPACE, metadata: { ...NEW_WORKSPACE.metadata, name } },
        },
        { actor: jane },
      );
      ids.push(change.id);
    }
    await approveAndMerge(service, ids[0]);
    const getChange = jest.spyOn(provider, 'getChange');
    const listChanges = jest.spyOn(provider, 'listChanges');
    const first = await service.listChangePage({ state: 'open', limit: 2 });
    expect(first.items.map(c => c.id)).toEqual([ids[3], ids[2]]);
    // the records order and filter the listing; views only for the page's two rows
    expect(listChanges).not.toHaveBeenCalled();
    expect(getChange).toHaveBeenCalledTimes(2);
    const second = await service.listChangePage({ state: 'open', limit: 2, cursor: first.nextCursor });
    expect(second.items.map(c => c.id)).toEqual([ids[1]]);
    expect(second.nextCursor).toBeUndefined();
    // the same summaries as the listing that works out every view
    const whole = (await service.listChanges({ state: 'open' })).map(c => c.id);
    expect([...first.items, ...second.items].map(c => c.id)).toEqual(whole);
    const merged = await service.listChangePage({ state: 'merged' });
    expect(merged.items.map(c => [c.id, c.state, c.resources.map(r => r.name)])).toEqual([
      [ids[0], 'merged', ['one']],
    ]);
    // a kind filter needs every row's changed paths: the records carry them, views stay per page
    listChanges.mockClear();
    getChange.mockClear();
    expect((await service.listChangePage({ state: 'open', kind: 'workspaces', limit: 2 })).items).toHaveLength(2);
    expect(listChanges).not.toHaveBeenCalled();
    expect(getChange).toHaveBeenCalledTimes(2);
    expect((await service.listChangePage({ state: 'open', kind: 'pipelines' })).items).toEqual([]);

    // what the caller may read is judged on each change's paths before paging: offsets count
    // the visible rows only
    const visible = ({ paths }: { paths: readonly string[] }) =>
      paths.every(p => !p.endsWith('/two.yaml'));
    const page1 = await service.listChangePage({ state: 'open', limit: 1 }, { visible });
    expect(page1.items.map(c => c.id)).toEqual([ids[3]]);
    const page2 = await service.listChangePage({ state: 'open', limit: 1, cursor: page1.nextCursor }, { visible });
    expect(page2.items.map(c => c.id)).toEqual([ids[2]]);
    expect(page2.nextCursor).toBeUndefined();
    expect(listChanges).not.toHaveBeenCalled();
    // the open changes of a file, likewise
    const [two] = (await service.listChanges({ state: 'open' })).filter(c => c.id === ids[1]);
    expect(await service.openChangesTouching('platform', two.paths[0], { visible })).toEqual([]);
    expect((await service.openChangesTouching('platform', two.paths[0])).map(c => c.id)).toEqual([ids[1]]);
  });

  it('lists changes by state, kind and author', async () => {
    const { service } = await setup();
    const created = await service.submit(
      {
        operation: 'create',
        ...JANE_DEV,
        resource: NEW_WORKSPACE,
      },
      { actor: jane },
    );
    const deleted = await service.submit(
      {
        operation: 'delete',
        ...ALICE_DEV,
      },
      { actor: { ...jane, userRef: 'user:default/other' } },
    );
    await service.close(deleted.id, jane);
    expect(
      (await service.listChanges({ state: 'open' })).map(c => c.id),
    ).toEqual([created.id]);
    expect(
      (await service.listChanges({ author: 'user:default/other' })).map(
        c => c.id,
      ),
    ).toEqual([deleted.id]);
    expect(await service.listChanges({ kind: 'pipelines' })).toEqual([]);
    expect((await service.listChanges({ kind: 'workspace' })).length).toBe(2);
    expect(
      (
        await service.openChangesTouching(
          'platform',
          'workspaces/team-a/jane-dev.yaml',
        )
      ).map(c => c.id),
    ).toEqual([created.id]);
    await expect(service.getChange('platform:99')).rejects.toThrow(
      NotFoundError,
    );
    await expect(service.getChange('nope:1')).rejects.toThrow(NotFoundError);
  });
});

describe('ChangeService on GitHub', () => {
  let server: FakeGithubServer;

  beforeEach(async () => {
    server = await startFakeGithub([jane]);
    server.seed({ 'README.md': '# platform\n' });
  });

  afterEach(() => server.stop());

  function service() {
    return new ChangeService({
      repositories: [
        {
          id: 'platform',
          kinds: ['Workspace'],
          provider: githubProviderOn(server),
        },
      ],
    });
  }

  const submission = {
    operation: 'create' as const,
    kind: 'workspaces',
    namespace: 'team-a',
    name: 'jane-dev',
    resource: NEW_WORKSPACE,
  };

  it("opens the pull request with the user's own token when the actor carries one", async () => {
    await service().submit(submission, {
      actor: withGithubToken(jane),
    });

    const [pull] = server.requestsTo('POST', /\/pulls$/);
    expect(pull.user).toBe('jane');
    expect(server.requestsTo('POST', /\/git\/commits$/)[0].user).toBe('jane');
  });

  it('falls back to the integration token and names the requester in the body', async () => {
    await service().submit(submission, { actor: jane });

    const [pull] = server.requestsTo('POST', /\/pulls$/);
    expect(pull.user).toBe('butler-portal[bot]');
    expect(pull.body.body).toContain(
      'Requested by Jane Doe <jane@example.com> (user:default/jane)',
    );
  });
});
