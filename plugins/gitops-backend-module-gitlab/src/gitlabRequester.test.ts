import { ServiceUnavailableError } from '@backstage/errors';
import { Projects } from '@gitbeaker/rest';
import {
  createGitlabRequesterFn,
  GitlabRequestError,
  requestedDelayMs,
} from './gitlabRequester';
import { FakeGitlabServer } from '@butler-portal/fake-gitlab';

describe('requestedDelayMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads Retry-After as seconds or an HTTP date, then RateLimit-Reset', () => {
    expect(requestedDelayMs(new Headers({ 'retry-after': '3' }), now)).toBe(
      3000,
    );
    expect(
      requestedDelayMs(
        new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }),
        now,
      ),
    ).toBe(5000);
    expect(
      requestedDelayMs(
        new Headers({ 'ratelimit-reset': String(now / 1000 + 9) }),
        now,
      ),
    ).toBe(9000);
    expect(
      requestedDelayMs(
        new Headers({ 'ratelimit-reset': String(now / 1000 - 9) }),
        now,
      ),
    ).toBe(0);
    expect(requestedDelayMs(new Headers(), now)).toBeUndefined();
  });
});

describe('createGitlabRequesterFn', () => {
  let server: FakeGitlabServer;
  let sleeps: number[];

  beforeEach(async () => {
    server = await FakeGitlabServer.start();
    sleeps = [];
  });
  afterEach(() => server.stop());

  function projects(token = 'bot-token', maxRetries = 3) {
    return new Projects({
      host: server.baseUrl,
      oauthToken: token,
      rateLimits: {},
      requesterFn: createGitlabRequesterFn({
        maxRetries,
        sleep: async ms => {
          sleeps.push(ms);
        },
      }),
    });
  }

  it('sends the token as a Bearer header and returns the parsed body', async () => {
    const project = (await projects().show('butler/platform')) as unknown as {
      default_branch: string;
    };
    expect(project.default_branch).toBe('main');
    expect(server.requests[0].headers.authorization).toBe('Bearer bot-token');
    expect(server.requests[0].rawPath).toBe('/projects/butler%2Fplatform');
  });

  it("raises GitLab's own message with the status, without retrying a 4xx", async () => {
    const error = await projects('nobody')
      .show('butler/platform')
      .catch(e => e);
    expect(error).toBeInstanceOf(GitlabRequestError);
    expect(error).toMatchObject({
      status: 401,
      gitlabMessage: '401 Unauthorized',
    });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('joins validation messages GitLab sends as objects', async () => {
    server.failNext({
      route: 'GET /projects/:id',
      status: 400,
      body: {
        message: {
          base: ['is invalid'],
          title: ["can't be blank", 'is too short'],
        },
      },
    });
    await expect(projects().show('butler/platform')).rejects.toThrow(
      "answered 400: is invalid; title can't be blank, is too short",
    );
  });

  it('retries 429 and 5xx up to the bound', async () => {
    server.failNext({
      route: 'GET /projects/:id',
      status: 429,
      headers: { 'retry-after': '1' },
    });
    server.failNext({ route: 'GET /projects/:id', status: 504 });
    await projects().show('butler/platform');
    expect(sleeps).toEqual([1000, 1000]);

    server.failNext({ route: 'GET /projects/:id', status: 500, times: 5 });
    sleeps = [];
    await expect(
      projects('bot-token', 1).show('butler/platform'),
    ).rejects.toThrow(ServiceUnavailableError);
    expect(sleeps).toEqual([500]);
  });
});
