/**
 * @jest-environment node
 */
import { GitopsClient } from './GitopsClient';

const BASE = 'http://backend.test/api/gitops';

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    statusText: status === 409 ? 'Conflict' : '',
    headers: { 'Content-Type': 'application/json' },
  });
}

function setup(...responses: Response[]) {
  const fetch = jest.fn<Promise<Response>, [string, RequestInit]>();
  for (const r of responses) fetch.mockResolvedValueOnce(r);
  const client = new GitopsClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('GitopsClient', () => {
  it('encodes change ids in paths', async () => {
    const { client, fetch } = setup(
      jsonResponse(200, { id: 'platform:12' }),
      jsonResponse(201, { id: 'r1' }),
      jsonResponse(200, { id: 'platform:12' }),
      jsonResponse(200, { id: 'platform:12' }),
    );

    await client.getChange('platform:12');
    await client.review('platform:12', { decision: 'approve' });
    await client.merge('platform:12');
    await client.close('platform:12');

    expect(fetch.mock.calls.map(([url, init]) => [init.method, url])).toEqual([
      ['GET', `${BASE}/changes/platform%3A12`],
      ['POST', `${BASE}/changes/platform%3A12/reviews`],
      ['POST', `${BASE}/changes/platform%3A12/merge`],
      ['POST', `${BASE}/changes/platform%3A12/close`],
    ]);
    expect(JSON.parse(fetch.mock.calls[1][1].body as string)).toEqual({
      decision: 'approve',
    });
  });

  it('cannot be steered to another path by a hostile id', async () => {
    const { client, fetch } = setup(jsonResponse(200, {}));
    await client.getChange('../repositories?x=1#y');
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/changes/..%2Frepositories%3Fx%3D1%23y`,
    );
  });

  it('builds the change list query from the filter, leaving out empty values', async () => {
    const { client, fetch } = setup(
      jsonResponse(200, { items: [{ id: 'platform:1' }] }),
      jsonResponse(200, { items: [] }),
    );

    const items = await client.listChanges({
      state: 'open',
      kind: 'Workspace',
      author: 'user:default/jane doe',
      repository: '',
    });
    await client.listChanges();

    expect(items).toEqual([{ id: 'platform:1' }]);
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/changes?state=open&kind=Workspace&author=user%3Adefault%2Fjane+doe`,
    );
    expect(fetch.mock.calls[1][0]).toBe(`${BASE}/changes`);
  });

  it('builds resource paths and queries', async () => {
    const { client, fetch } = setup(
      jsonResponse(200, { items: [] }),
      jsonResponse(200, { name: 'alice-dev' }),
      jsonResponse(200, { items: [] }),
    );
    await client.listResources({ kind: 'workspaces', namespace: 'team-a' });
    await client.getResource({
      kind: 'workspaces',
      namespace: 'team-a',
      name: 'alice-dev',
    });
    await client.listRepositories();
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      `${BASE}/resources?kind=workspaces&namespace=team-a`,
      `${BASE}/resources/workspaces/team-a/alice-dev`,
      `${BASE}/repositories`,
    ]);
  });

  it('sends a new change as JSON with its idempotency key', async () => {
    const opened = {
      id: 'platform:3',
      number: 3,
      repository: 'platform',
      branch: 'b',
      state: 'open',
    };
    const { client, fetch } = setup(jsonResponse(201, opened));
    const request = {
      operation: 'delete' as const,
      kind: 'Workspace',
      namespace: 'team-a',
      name: 'alice-dev',
    };

    await expect(
      client.openChange(request, { idempotencyKey: 'key-1' }),
    ).resolves.toEqual(opened);

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${BASE}/changes`);
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({
      'Idempotency-Key': 'key-1',
      'Content-Type': 'application/json',
    });
    expect(JSON.parse(init.body as string)).toEqual(request);
  });

  it('reads the sync status, and reports a backend without a reconciler as undefined', async () => {
    const item = {
      repository: 'platform',
      target: 'butler',
      condition: 'Ready',
      reason: 'Synced',
      revision: 'abc',
      resources: [],
    };
    const { client, fetch } = setup(
      jsonResponse(200, { items: [item] }),
      jsonResponse(404, { error: { name: 'NotFoundError', message: 'no' } }),
      jsonResponse(500, { error: { name: 'Error', message: 'store down' } }),
    );

    await expect(client.getSyncStatus()).resolves.toEqual([item]);
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/sync?limit=5000`);
    await expect(client.getSyncStatus()).resolves.toBeUndefined();
    await expect(client.getSyncStatus()).rejects.toThrow('store down');
  });

  it('follows the pages of /sync and of /resources, joining each target\'s resources', async () => {
    const resource = (name: string) => ({ kind: 'Workspace', namespace: 'team-a', name, status: 'Synced' });
    const target = { repository: 'platform', target: 'directory', condition: 'Ready', reason: 'Synced', revision: 'abc' };
    const { client, fetch } = setup(
      jsonResponse(200, { items: [{ ...target, resources: [resource('a')] }], nextCursor: 'c1' }),
      jsonResponse(200, { items: [{ ...target, resources: [resource('b')] }] }),
      jsonResponse(200, { items: [{ name: 'x' }], nextCursor: 'r1' }),
      jsonResponse(200, { items: [{ name: 'y' }] }),
    );
    const sync = await client.getSyncStatus({ kind: 'workspaces' });
    expect(sync).toEqual([{ ...target, resources: [resource('a'), resource('b')] }]);
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/sync?kind=workspaces&limit=5000`);
    expect(fetch.mock.calls[1][0]).toBe(`${BASE}/sync?kind=workspaces&limit=5000&cursor=c1`);
    const resources = await client.listResources({ kind: 'workspaces' });
    expect(resources).toEqual([{ name: 'x' }, { name: 'y' }]);
    expect(fetch.mock.calls[3][0]).toBe(`${BASE}/resources?kind=workspaces&cursor=r1`);
  });

  it('gives the schema URL of a kind', async () => {
    const { client } = setup();
    await expect(client.getSchemaUrl('Workspace')).resolves.toBe(
      `${BASE}/schemas/workspace.json`,
    );
  });

  it('turns a 409 into an error carrying the server reason', async () => {
    const { client } = setup(
      jsonResponse(409, {
        error: {
          name: 'ConflictError',
          message:
            'not approved: 0 of 1 approvals, missing group:default/team-a',
        },
        response: { statusCode: 409 },
      }),
    );

    const error = await client.merge('platform:12').catch(e => e);

    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(409);
    expect(error.message).toBe(
      'not approved: 0 of 1 approvals, missing group:default/team-a',
    );
    expect(error.issues).toEqual([]);
  });

  it('lists the validation issues of a 400 in the message', async () => {
    const issues = [
      {
        file: 'workspaces/team-a/x.yaml',
        path: '/spec/image',
        line: 9,
        column: 10,
        message: 'must be string',
      },
      {
        file: 'workspaces/team-a/x.yaml',
        path: '',
        line: 1,
        column: 1,
        message: "must have required property 'spec'",
      },
    ];
    const { client } = setup(
      jsonResponse(400, {
        error: { name: 'InputError', message: 'Workspace team-a/x is invalid' },
        response: { statusCode: 400 },
        issues,
      }),
    );

    const error = await client
      .openChange({
        operation: 'create',
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'x',
        resource: {},
      })
      .catch(e => e);

    expect(error.statusCode).toBe(400);
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe(
      [
        'Workspace team-a/x is invalid',
        'workspaces/team-a/x.yaml:9:10 /spec/image: must be string',
        "workspaces/team-a/x.yaml:1:1 must have required property 'spec'",
      ].join('\n'),
    );
  });

  it('reads issues placed inside the error object too', async () => {
    const issue = {
      path: '/metadata/name',
      line: 3,
      column: 9,
      message: 'bad',
    };
    const { client } = setup(
      jsonResponse(400, {
        error: { name: 'InputError', message: 'invalid', issues: [issue] },
        response: { statusCode: 400 },
      }),
    );
    const error = await client.getChange('a:1').catch(e => e);
    expect(error.issues).toEqual([issue]);
    expect(error.message).toBe('invalid\n3:9 /metadata/name: bad');
  });

  it('says a reason once when its only issue repeats it', async () => {
    // what the backend sends for a bad query parameter (GET /changes?kind=Nope)
    const issue = {
      path: '/kind',
      line: 1,
      column: 1,
      message: '"Nope" is not a known kind',
    };
    const { client } = setup(
      jsonResponse(400, {
        error: {
          name: 'InputError',
          message: 'kind: "Nope" is not a known kind',
        },
        response: { statusCode: 400 },
        issues: [issue],
      }),
    );
    const error = await client.getChange('a:1').catch(e => e);
    expect(error.issues).toEqual([issue]);
    expect(error.message).toBe('kind: "Nope" is not a known kind');
  });

  it('reports a non-JSON failure with its status and text', async () => {
    const { client } = setup(
      new Response('upstream down', { status: 502, statusText: 'Bad Gateway' }),
    );
    const error = await client.listChanges().catch(e => e);
    expect(error.statusCode).toBe(502);
    expect(error.message).toBe(
      'Request failed with status 502 Bad Gateway, upstream down',
    );
  });
});

describe('GitopsClient with ScmAuth', () => {
  const repositories = {
    items: [
      {
        id: 'platform',
        provider: 'github',
        defaultBranch: 'main',
        webUrl: 'https://github.example/acme/platform',
        kinds: ['Workspace'],
      },
      {
        id: 'lab',
        provider: 'local',
        defaultBranch: 'main',
        webUrl: 'http://backend.test/api/gitops/git/lab.git',
        kinds: ['Artifact'],
      },
    ],
  };

  /** ScmAuth answering with the signed-in user's token for the repository. */
  const grantingToken = (token: string) =>
    jest.fn().mockResolvedValue({ token, headers: {} });

  function setupWithScmAuth(
    getCredentials: jest.Mock,
    ...responses: Response[]
  ) {
    const fetch = jest.fn<Promise<Response>, [string, RequestInit]>();
    for (const r of responses) fetch.mockResolvedValueOnce(r);
    const client = new GitopsClient({
      discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
      fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
      scmAuthApi: { getCredentials },
    });
    return { client, fetch };
  }
  const headersOf = (init: RequestInit) =>
    init.headers as Record<string, string>;

  it('sends the user token on writes to a GitHub repository', async () => {
    const getCredentials = grantingToken('ghu_jane');
    const { client, fetch } = setupWithScmAuth(
      getCredentials,
      jsonResponse(200, repositories),
      jsonResponse(201, { id: 'platform:1' }),
      jsonResponse(200, repositories),
      jsonResponse(200, { id: 'platform:1' }),
    );

    await client.openChange(
      { operation: 'delete', kind: 'Workspace', namespace: 'a', name: 'b' },
      { idempotencyKey: 'k1' },
    );
    await client.merge('platform:1');

    expect(getCredentials).toHaveBeenCalledWith({
      url: 'https://github.example/acme/platform',
      additionalScope: { repoWrite: true },
    });
    expect(fetch.mock.calls[1][0]).toBe(`${BASE}/changes`);
    expect(headersOf(fetch.mock.calls[1][1])).toEqual({
      'Idempotency-Key': 'k1',
      'X-Butler-Scm-Token': 'ghu_jane',
      'Content-Type': 'application/json',
    });
    expect(fetch.mock.calls[3][0]).toBe(`${BASE}/changes/platform%3A1/merge`);
    expect(headersOf(fetch.mock.calls[3][1])['X-Butler-Scm-Token']).toBe(
      'ghu_jane',
    );
  });

  it('never asks ScmAuth for a local repository', async () => {
    const getCredentials = grantingToken('ghu_jane');
    const { client, fetch } = setupWithScmAuth(
      getCredentials,
      jsonResponse(200, repositories),
      jsonResponse(200, { id: 'lab:3' }),
    );

    await client.close('lab:3');

    expect(getCredentials).not.toHaveBeenCalled();
    expect(fetch.mock.calls[1][0]).toBe(`${BASE}/changes/lab%3A3/close`);
    expect(headersOf(fetch.mock.calls[1][1])).toEqual({});
  });

  it('sends no token when ScmAuth fails, and the write still goes through', async () => {
    const getCredentials = jest
      .fn()
      .mockRejectedValue(new Error('popup closed by user'));
    const { client, fetch } = setupWithScmAuth(
      getCredentials,
      jsonResponse(200, repositories),
      jsonResponse(201, { id: 'r1' }),
    );

    await client.review('platform:1', { decision: 'approve' });

    expect(getCredentials).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[1][0]).toBe(`${BASE}/changes/platform%3A1/reviews`);
    expect(headersOf(fetch.mock.calls[1][1])).toEqual({
      'Content-Type': 'application/json',
    });
  });
});
