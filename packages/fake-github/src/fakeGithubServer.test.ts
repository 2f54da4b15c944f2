/*
 * Keeps the fake honest: its answers must have the shape GitHub's real answers have, as recorded
 * by @octokit/fixtures (https://github.com/octokit/fixtures) for the endpoints those recordings
 * cover, and its Git object ids must be the ones git itself computes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { FakeGithubServer } from './fakeGithubServer';

function fixture(scenario: string): Array<{
  method: string;
  path: string;
  status: number;
  response: any;
}> {
  const root = path.dirname(require.resolve('@octokit/fixtures/package.json'));
  return JSON.parse(
    fs.readFileSync(
      path.join(
        root,
        'scenarios',
        'api.github.com',
        scenario,
        'normalized-fixture.json',
      ),
      'utf8',
    ),
  );
}

/**
 * Every key GitHub recorded is present in the fake's answer with the same JSON type (a recorded
 * null accepts anything); nested objects and the first element of arrays are compared the same way.
 */
function expectShape(
  actual: unknown,
  recorded: unknown,
  where = '$',
  ignore: string[] = [],
): void {
  if (recorded === null || ignore.includes(where)) {
    return;
  }
  const kind = (v: unknown) => {
    if (Array.isArray(v)) return 'array';
    return v === null ? 'null' : typeof v;
  };
  expect({ where, kind: kind(actual) }).toEqual({
    where,
    kind: kind(recorded),
  });
  if (
    Array.isArray(recorded) &&
    Array.isArray(actual) &&
    recorded.length &&
    actual.length
  ) {
    expectShape(actual[0], recorded[0], `${where}[0]`, ignore);
  } else if (kind(recorded) === 'object') {
    for (const [key, value] of Object.entries(recorded as object)) {
      if (ignore.includes(`${where}.${key}`)) continue;
      expect({ where, keys: Object.keys(actual as object) }).toEqual({
        where,
        keys: expect.arrayContaining([key]),
      });
      expectShape((actual as any)[key], value, `${where}.${key}`, ignore);
    }
  }
}

describe('FakeGithubServer', () => {
  let server: FakeGithubServer;
  let octokit: Octokit;
  const params = { owner: 'butlerlabs', repo: 'platform' };

  beforeEach(async () => {
    server = await FakeGithubServer.start();
    server.addUser({
      login: 'octocat',
      token: 't0ken',
      name: 'Mona',
      email: 'mona@example.com',
    });
    server.seed({
      'README.md': '# platform\n',
      'workspaces/team-a/dev.yaml': 'kind: Workspace\n',
    });
    octokit = new Octokit({ auth: 't0ken', baseUrl: server.baseUrl });
  });

  afterEach(() => server.stop());

  it('answers repos.get like GitHub (get-repository)', async () => {
    const { status, data } = await octokit.repos.get(params);
    const [recorded] = fixture('get-repository');
    expect(status).toBe(recorded.status);
    expectShape(data, recorded.response);
    expect(data.default_branch).toBe('main');
  });

  it('creates and deletes refs like GitHub (git-refs)', async () => {
    const recorded = fixture('git-refs');
    const head = await octokit.git.getRef({ ...params, ref: 'heads/main' });
    expectShape([head.data], recorded[0].response);

    const created = await octokit.git.createRef({
      ...params,
      ref: 'refs/heads/test',
      sha: head.data.object.sha,
    });
    expect(created.status).toBe(recorded[1].status);
    expectShape(created.data, recorded[1].response);

    const deleted = await octokit.git.deleteRef({
      ...params,
      ref: 'heads/test',
    });
    expect(deleted.status).toBe(recorded[4].status);
    await expect(
      octokit.git.deleteRef({ ...params, ref: 'heads/test' }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Reference does not exist' } },
    });
  });

  it('creates statuses and combines them like GitHub (create-status)', async () => {
    const recorded = fixture('create-status');
    const sha = server.git.resolveCommit('main')!;
    const failure = await octokit.repos.createCommitStatus({
      ...params,
      sha,
      state: 'failure',
      target_url: 'https://example.com',
      description: 'create-status failure test',
      context: 'example/1',
    });
    expect(failure.status).toBe(recorded[0].status);
    expectShape(failure.data, recorded[0].response, '$', ['$.avatar_url']);
    await octokit.repos.createCommitStatus({
      ...params,
      sha,
      state: 'success',
      target_url: 'https://example.com',
      description: 'create-status success test',
      context: 'example/2',
    });

    const combined = await octokit.repos.getCombinedStatusForRef({
      ...params,
      ref: sha,
    });
    expectShape(combined.data, recorded[3].response, '$', [
      '$.statuses[0].avatar_url',
    ]);
    expect(combined.data.state).toBe('failure');
    expect(combined.data.statuses.map(s => s.context).sort()).toEqual([
      'example/1',
      'example/2',
    ]);
  });

  it('answers branch protection like GitHub (branch-protection)', async () => {
    const recorded = fixture('branch-protection');
    await expect(
      octokit.repos.getBranchProtection({ ...params, branch: 'main' }),
    ).rejects.toMatchObject({
      status: recorded[0].status,
      response: { data: { message: recorded[0].response.message } },
    });
    server.setBranchProtection('main', {
      requiredApprovingReviewCount: 1,
      dismissStaleReviews: true,
      requiredStatusChecks: ['foo/bar'],
    });
    const { data } = await octokit.repos.getBranchProtection({
      ...params,
      branch: 'main',
    });
    // the fake does not model push restrictions or dismissal restrictions
    expectShape(data, recorded[2].response, '$', [
      '$.restrictions',
      '$.required_pull_request_reviews.dismissal_restrictions',
    ]);
  });

  it('answers validation failures like GitHub (errors)', async () => {
    const [recorded] = fixture('errors');
    const error = await octokit.pulls
      .create({ ...params, title: '', head: 'main', base: 'main' })
      .catch(e => e);
    expect(error.status).toBe(recorded.status);
    expectShape(error.response.data, recorded.response);
  });

  it('lists folders and reads files like GitHub (get-content)', async () => {
    const [listing] = fixture('get-content');
    const { data } = await octokit.repos.getContent({ ...params, path: '' });
    expectShape(data, listing.response);
    const file = await octokit.repos.getContent({
      ...params,
      path: 'workspaces/team-a/dev.yaml',
    });
    expect(Buffer.from((file.data as any).content, 'base64').toString()).toBe(
      'kind: Workspace\n',
    );
  });

  it('computes the object ids git computes', () => {
    expect(server.git.putBlob('hello\n')).toBe(
      'ce013625030ba8dba906f756967f9e9ca394464a',
    );
    const tree = server.git.writeFlatTree(
      new Map([
        [
          'hello.txt',
          { mode: '100644' as const, sha: server.git.putBlob('hello\n') },
        ],
        [
          'a/b/c.yaml',
          { mode: '100644' as const, sha: server.git.putBlob('x') },
        ],
      ]),
    );
    // `git write-tree` of the same two files
    expect(tree).toBe('9e23beef0828b85e86803ca530f0862ffc66121d');
  });

  it('records requests and replays injected failures', async () => {
    server.failNext(
      { method: 'GET', path: /\/git\/ref\/heads\/main$/ },
      { status: 502, body: { message: 'Server Error' } },
    );
    await expect(
      octokit.git.getRef({ ...params, ref: 'heads/main' }),
    ).rejects.toMatchObject({
      status: 502,
    });
    await expect(
      octokit.git.getRef({ ...params, ref: 'heads/main' }),
    ).resolves.toMatchObject({
      status: 200,
    });
    expect(server.requestsTo('GET', /\/git\/ref\/heads\/main$/)).toHaveLength(
      2,
    );
    expect(server.requests[0].user).toBe('octocat');
  });

  it('refuses unknown tokens and anonymous writes', async () => {
    const stranger = new Octokit({ auth: 'nope', baseUrl: server.baseUrl });
    await expect(stranger.repos.get(params)).rejects.toMatchObject({
      status: 401,
    });
    const anonymous = new Octokit({ baseUrl: server.baseUrl });
    await expect(
      anonymous.git.createBlob({ ...params, content: 'x' }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
