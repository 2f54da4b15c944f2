import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  errorAnswer,
  startFakeGitopsBackend,
  type FakeGitopsBackend,
} from '../__testUtils__/fakeGitopsBackend';
import { rejectionOf } from '@butler-portal/plugin-gitops-common/testUtils';
import { GitopsClient } from './GitopsClient';

describe('GitopsClient', () => {
  let backend: FakeGitopsBackend;
  let client: GitopsClient;
  const credentials = mockCredentials.user('user:default/jane');
  const submission = {
    operation: 'delete' as const,
    kind: 'Workspace',
    namespace: 'team-a',
    name: 'old-dev',
  };

  beforeEach(async () => {
    backend = await startFakeGitopsBackend();
    client = new GitopsClient({
      discovery: backend.discovery,
      auth: mockServices.auth(),
    });
  });
  afterEach(() => backend.close());

  it('posts the change with a token on behalf of the user and the idempotency key', async () => {
    backend.on('POST', '/changes', {
      status: 201,
      body: {
        id: 'platform:3',
        number: 3,
        repository: 'platform',
        branch: 'butler/workspace/old-dev/abc',
        state: 'open',
      },
    });

    const opened = await client.openChange(submission, {
      credentials,
      idempotencyKey: 'scaffolder:t1:s1',
    });

    expect(opened).toEqual({
      id: 'platform:3',
      number: 3,
      repository: 'platform',
      branch: 'butler/workspace/old-dev/abc',
      state: 'open',
    });
    expect(backend.requests).toHaveLength(1);
    const [request] = backend.requests;
    expect(request.body).toEqual(submission);
    expect(request.headers['idempotency-key']).toBe('scaffolder:t1:s1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBe(
      `Bearer ${mockCredentials.service.token({
        onBehalfOf: credentials,
        targetPluginId: 'gitops',
      })}`,
    );
  });

  it("turns a 400 into an InputError listing the backend's located issues", async () => {
    backend.on(
      'POST',
      '/changes',
      errorAnswer(400, 'InputError', 'workspaces/team-a/x.yaml is invalid', [
        {
          file: 'workspaces/team-a/x.yaml',
          path: '/spec/resources/cpu',
          line: 12,
          column: 10,
          message: 'must be a Kubernetes quantity',
        },
        {
          path: '/spec/owner',
          line: 8,
          column: 10,
          message: 'must be an email',
        },
      ]),
    );

    const error = await rejectionOf(
      client.openChange(submission, { credentials, idempotencyKey: 'k' }),
    );

    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      [
        'gitops backend refused POST /changes (400): workspaces/team-a/x.yaml is invalid',
        '  - workspaces/team-a/x.yaml:12:10 /spec/resources/cpu: must be a Kubernetes quantity',
        '  - 8:10 /spec/owner: must be an email',
      ].join('\n'),
    );
  });

  it.each([
    [401, 'AuthenticationError'],
    [403, 'NotAllowedError'],
    [409, 'ConflictError'],
    [500, 'Error'],
  ])('turns a %i into a %s with the backend message', async (status, name) => {
    backend.on('POST', '/changes', errorAnswer(status, 'X', 'the reason'));

    const error = await rejectionOf(
      client.openChange(submission, { credentials, idempotencyKey: 'k' }),
    );

    expect(error.name).toBe(name);
    expect(error.message).toBe(
      `gitops backend refused POST /changes (${status}): the reason`,
    );
  });

  it('reads a resource, encoding each part of the path, and answers undefined for a 404', async () => {
    const entry = {
      repository: 'platform',
      kind: 'WorkspaceTemplate',
      namespace: 'team-a',
      name: 'go-dev',
      path: 'workspace-templates/team-a/go-dev.yaml',
      revision: 'abc',
      object: { kind: 'WorkspaceTemplate' },
    };
    backend.on('GET', '/resources/WorkspaceTemplate/team-a/go-dev', {
      status: 200,
      body: entry,
    });

    await expect(
      client.getResource(
        { kind: 'WorkspaceTemplate', namespace: 'team-a', name: 'go-dev' },
        { credentials },
      ),
    ).resolves.toEqual(entry);
    await expect(
      client.getResource(
        { kind: 'WorkspaceTemplate', namespace: 'team-a', name: '../x' },
        { credentials },
      ),
    ).resolves.toBeUndefined();
    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /resources/WorkspaceTemplate/team-a/go-dev',
      'GET /resources/WorkspaceTemplate/team-a/..%2Fx',
    ]);
  });

  it('names the URL when the backend cannot be reached', async () => {
    await backend.close();
    const closed = await startFakeGitopsBackend();
    const base = await closed.discovery.getBaseUrl('gitops');
    await closed.close();
    const offline = new GitopsClient({
      discovery: closed.discovery,
      auth: mockServices.auth(),
    });
    backend = await startFakeGitopsBackend(); // for afterEach

    const error = await rejectionOf(
      offline.openChange(submission, { credentials, idempotencyKey: 'k' }),
    );

    expect(error.message).toContain(
      `gitops backend unreachable at POST ${base}/changes`,
    );
  });
});
