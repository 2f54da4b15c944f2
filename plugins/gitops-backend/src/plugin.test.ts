/*
 * The whole plugin over HTTP, as the portal and the git client use it: a real local repository
 * seeded from repo-layouts/platform (with its CODEOWNERS), the catalog as a mock holding the
 * signed-in user and their team, and the real `git` CLI cloning over smart HTTP
 * (see testing/startTestPortal.ts).
 */
import { createHmac } from 'crypto';
import fs from 'fs';
import path from 'path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { GITOPS_EVENTS_TOPIC } from './events/gitEvents';
import {
  auth,
  CREATE,
  git,
  GUEST,
  startPortal,
  WORKSPACE,
} from './__testUtils__/startTestPortal';

jest.setTimeout(60_000);

describe('gitops backend plugin', () => {
  it('runs the acceptance flow: create → one added file → clone → approve → merge → stale 409', async () => {
    const { server, port, dir, published } = await startPortal();
    const api = request(server);

    const repos = await api
      .get('/api/gitops/repositories')
      .set(auth)
      .expect(200);
    expect(repos.body.items).toEqual([
      expect.objectContaining({
        id: 'platform',
        provider: 'local',
        defaultBranch: 'main',
        cloneUrl: expect.stringMatching(/\/api\/gitops\/git\/platform\.git$/),
        kinds: expect.arrayContaining(['Workspace', 'Pipeline']),
      }),
    ]);

    const listed = await api
      .get('/api/gitops/resources?kind=workspaces')
      .set(auth)
      .expect(200);
    const seeded = listed.body.items.find((i: any) => i.name === 'alice-dev');
    expect(seeded).toMatchObject({
      repository: 'platform',
      kind: 'Workspace',
      namespace: 'team-a',
      path: 'workspaces/team-a/alice-dev.yaml',
      revision: expect.stringMatching(/^[0-9a-f]{40}$/),
      object: expect.objectContaining({ kind: 'Workspace' }),
    });
    const baseRevision: string = seeded.revision;

    // create → 201
    const created = await api
      .post('/api/gitops/changes')
      .set(auth)
      .send(CREATE)
      .expect(201);
    expect(created.body).toEqual({
      id: 'platform:1',
      number: 1,
      repository: 'platform',
      branch: expect.stringMatching(
        /^butler\/workspace\/guest-dev\/[0-9a-f]{8}$/,
      ),
      state: 'open',
    });
    const { branch } = created.body;

    // exactly one file added, with its diff, authored as the signed-in user
    const detail = await api
      .get(`/api/gitops/changes/${encodeURIComponent('platform:1')}`)
      .set(auth)
      .expect(200);
    expect(detail.body.files).toHaveLength(1);
    expect(detail.body.files[0]).toMatchObject({
      path: 'workspaces/platform/guest-dev.yaml',
      status: 'added',
    });
    expect(detail.body.files[0].diff).toMatch(
      /^--- \/dev\/null\n\+\+\+ b\/workspaces\/platform\/guest-dev\.yaml\n@@ /,
    );
    expect(detail.body.files[0].diff).toContain('+  name: guest-dev\n');
    expect(detail.body).toMatchObject({
      author: { name: 'Guest', email: 'guest@example.com', userRef: GUEST },
      resources: [
        {
          kind: 'Workspace',
          namespace: 'platform',
          name: 'guest-dev',
          operation: 'create',
        },
      ],
      validation: { ok: true, issues: [] },
      approval: {
        approved: false,
        required: 1,
        missingOwners: ['group:default/platform-team'],
      },
    });
    expect(detail.body.description).toContain('```diff');

    // the real git client clones over smart HTTP with the token as password and sees the branch
    const token = encodeURIComponent(mockCredentials.user.token(GUEST));
    const work = path.join(dir.path, 'clone');
    const clone = await git([
      'clone',
      '--quiet',
      `http://x:${token}@127.0.0.1:${port}/api/gitops/git/platform.git`,
      work,
    ]);
    expect(clone).toMatchObject({ code: 0 });
    expect((await git(['branch', '-r'], work)).stdout).toContain(
      `origin/${branch}`,
    );
    expect(
      (
        await git(
          ['diff', '--name-status', `origin/main...origin/${branch}`],
          work,
        )
      ).stdout,
    ).toBe('A\tworkspaces/platform/guest-dev.yaml');
    expect(
      (await git(['log', '-1', '--format=%an <%ae>', `origin/${branch}`], work))
        .stdout,
    ).toBe('Guest <guest@example.com>');

    // approve (as a member of the code owners' team) and merge
    const review = await api
      .post('/api/gitops/changes/platform%3A1/reviews')
      .set(auth)
      .send({ decision: 'approve', comment: 'looks good' })
      .expect(201);
    expect(review.body).toMatchObject({
      author: GUEST,
      decision: 'approve',
      comment: 'looks good',
    });
    const merged = await api
      .post('/api/gitops/changes/platform%3A1/merge')
      .set(auth)
      .expect(200);
    expect(merged.body).toMatchObject({
      id: 'platform:1',
      state: 'merged',
      mergeCommitSha: expect.any(String),
    });

    // the default branch holds the file; the change reads merged
    const resource = await api
      .get('/api/gitops/resources/Workspace/platform/guest-dev')
      .set(auth)
      .expect(200);
    expect(resource.body).toMatchObject({
      path: 'workspaces/platform/guest-dev.yaml',
      changes: [],
    });
    expect(resource.body.yaml).toContain('name: guest-dev');
    expect(resource.body.revision).toBe(merged.body.mergeCommitSha);
    expect(
      (await api.get('/api/gitops/changes/platform%3A1').set(auth).expect(200))
        .body.state,
    ).toBe('merged');
    expect((await git(['fetch', '--quiet'], work)).code).toBe(0);
    expect(
      (
        await git(
          ['show', 'origin/main:workspaces/platform/guest-dev.yaml'],
          work,
        )
      ).stdout,
    ).toContain('owner: guest@example.com');

    // an edit based on the revision read before the merge is stale for that file → 409
    const stale = await api
      .post('/api/gitops/changes')
      .set(auth)
      .send({
        operation: 'update',
        kind: 'Workspace',
        namespace: 'platform',
        name: 'guest-dev',
        resource: {
          ...WORKSPACE,
          spec: { ...WORKSPACE.spec, image: 'golang:1.24' },
        },
        baseRevision,
      })
      .expect(409);
    expect(stale.body.error).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('changed since baseRevision'),
    });

    // the local provider's events went out on the events service
    const events = published
      .filter(p => p.topic === GITOPS_EVENTS_TOPIC)
      .map(p => p.eventPayload);
    expect(events).toEqual(
      expect.arrayContaining([
        {
          type: 'change',
          repository: 'platform',
          changeId: '1',
          action: 'opened',
        },
        {
          type: 'change',
          repository: 'platform',
          changeId: '1',
          action: 'merged',
        },
        expect.objectContaining({
          type: 'push',
          repository: 'platform',
          branch: 'main',
          after: merged.body.mergeCommitSha,
        }),
      ]),
    );

    const open = await api
      .get('/api/gitops/changes?state=merged&kind=workspace')
      .set(auth)
      .expect(200);
    expect(open.body.items.map((c: any) => c.id)).toEqual(['platform:1']);
  });

  it('returns the same change for a retried Idempotency-Key', async () => {
    const { server } = await startPortal();
    const api = request(server);
    const first = await api
      .post('/api/gitops/changes')
      .set(auth)
      .set('Idempotency-Key', 'abc-1')
      .send(CREATE)
      .expect(201);
    const again = await api
      .post('/api/gitops/changes')
      .set(auth)
      .set('Idempotency-Key', 'abc-1')
      .send(CREATE)
      .expect(200);
    expect(again.body).toEqual(first.body);
    const list = await api.get('/api/gitops/changes').set(auth).expect(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('answers 400 with located issues for an invalid resource, and for hostile names', async () => {
    const { server } = await startPortal();
    const api = request(server);
    const invalid = await api
      .post('/api/gitops/changes')
      .set(auth)
      .send({
        ...CREATE,
        resource: { ...WORKSPACE, spec: { ...WORKSPACE.spec, image: 42 } },
      })
      .expect(400);
    expect(invalid.body.error.name).toBe('InputError');
    expect(invalid.body.response).toEqual({ statusCode: 400 });
    expect(invalid.body.issues).toEqual([
      expect.objectContaining({
        file: 'workspaces/platform/guest-dev.yaml',
        path: '/spec/image',
        line: expect.any(Number),
        column: expect.any(Number),
      }),
    ]);

    const hostile = await api
      .post('/api/gitops/changes')
      .set(auth)
      .send({ ...CREATE, name: '../x' })
      .expect(400);
    expect(hostile.body.error.message).toMatch(
      /name: "\.\.\/x" is not a valid DNS-1123 name/,
    );

    const badBody = await api
      .post('/api/gitops/changes')
      .set(auth)
      .send({ ...CREATE, operation: 'replace', extra: 1 })
      .expect(400);
    expect(badBody.body.error.message).toMatch(/body\.operation: /);
    expect(badBody.body.error.message).toMatch(/extra/);

    await api
      .get('/api/gitops/resources/workspaces/..%2F..%2Fetc/passwd')
      .set(auth)
      .expect(400);
    expect(
      (await api.get('/api/gitops/changes').set(auth).expect(200)).body.items,
    ).toEqual([]);
  });

  it('answers 401 without sign-in, except for schemas', async () => {
    const { server } = await startPortal();
    const api = request(server);
    await api.post('/api/gitops/changes').send(CREATE).expect(401);
    await api.get('/api/gitops/changes').expect(401);

    const schema = await api
      .get('/api/gitops/schemas/workspace.json')
      .expect(200);
    expect(schema.body).toMatchObject({
      $schema: expect.stringContaining('draft-07'),
    });
    await api.get('/api/gitops/schemas/workspaces.json').expect(200);
    await api.get('/api/gitops/schemas/nothing.json').expect(404);

    const gitNoAuth = await api
      .get('/api/gitops/git/platform.git/info/refs?service=git-upload-pack')
      .expect(401);
    expect(gitNoAuth.headers['www-authenticate']).toMatch(
      /^Basic realm="Butler Portal"/,
    );
    await api
      .get('/api/gitops/git/platform.git/info/refs?service=git-upload-pack')
      .set('Authorization', mockCredentials.user.invalidHeader())
      .expect(401);
  });

  it('answers 403 when the permission policy denies', async () => {
    const { server, port, dir } = await startPortal({
      permission: AuthorizeResult.DENY,
    });
    const api = request(server);
    const denied = await api
      .post('/api/gitops/changes')
      .set(auth)
      .send(CREATE)
      .expect(403);
    expect(denied.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('gitops.change.create'),
    });
    await api.get('/api/gitops/changes').set(auth).expect(403);
    const token = encodeURIComponent(mockCredentials.user.token(GUEST));
    const clone = await git([
      'clone',
      '--quiet',
      `http://x:${token}@127.0.0.1:${port}/api/gitops/git/platform.git`,
      path.join(dir.path, 'c'),
    ]);
    expect(clone.code).not.toBe(0);
    expect(clone.stderr).toMatch(/403/);
  });

  it('publishes verified GitHub webhooks and refuses forged ones', async () => {
    const secret = 'webhook-secret';
    const { server, published } = await startPortal({
      repositories: [
        {
          id: 'ws',
          provider: 'github',
          owner: 'acme',
          repo: 'butler-workspaces',
          webhookSecret: secret,
        },
      ],
    });
    const api = request(server);
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
      repository: { full_name: 'acme/butler-workspaces' },
    });
    const signature = `sha256=${createHmac('sha256', secret)
      .update(body)
      .digest('hex')}`;
    const ok = await api
      .post('/api/gitops/webhooks/ws')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', signature)
      .send(body)
      .expect(202);
    expect(ok.body.event).toEqual({
      type: 'push',
      repository: 'ws',
      branch: 'main',
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
    });
    expect(published).toEqual([
      { topic: GITOPS_EVENTS_TOPIC, eventPayload: ok.body.event },
    ]);

    await api
      .post('/api/gitops/webhooks/ws')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', `sha256=${'0'.repeat(64)}`)
      .send(body)
      .expect(401);
    await api
      .post('/api/gitops/webhooks/ws')
      .set('X-GitHub-Event', 'push')
      .send(body)
      .expect(401);
    await api.post('/api/gitops/webhooks/nope').send(body).expect(404);
    expect(published).toHaveLength(1);
  });

  it('creates the local repository from its layout on first start', async () => {
    const { dir } = await startPortal();
    const head = await git([
      '--git-dir',
      path.join(dir.path, 'platform.git'),
      'ls-tree',
      '-r',
      '--name-only',
      'main',
    ]);
    expect(head.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'CODEOWNERS',
        'workspaces/team-a/alice-dev.yaml',
      ]),
    );
    expect(
      fs.existsSync(
        path.join(dir.path, 'platform.git', 'hooks', 'pre-receive'),
      ),
    ).toBe(true);
  });

  it('starts with only the local provider module, and names the module a repository lacks', async () => {
    const { server } = await startPortal();
    const repos = await request(server).get('/api/gitops/repositories').set(auth).expect(200);
    expect(repos.body.items.map((r: { provider: string }) => r.provider)).toEqual(['local']);

    // a GitHub repository, but no GitHub module: the backend refuses to start, saying which
    await expect(
      startPortal({
        repositories: [{ id: 'infra', provider: 'github', owner: 'acme', repo: 'infra' }],
        withoutModules: ['github'],
      }),
    ).rejects.toThrow(
      "gitops repository 'infra' uses provider 'github', but no module provides it; add @butler-portal/plugin-gitops-backend-module-github to the backend",
    );
  });
});
