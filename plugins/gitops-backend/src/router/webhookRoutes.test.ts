/*
 * Forged and malformed webhook deliveries against the running plugin: each is refused with the
 * reason (401 forged or unverifiable, 400 malformed, 413 oversized) and publishes nothing, so no
 * sync is triggered. The verified deliveries beside them show the same route does accept.
 */
import { createHmac } from 'crypto';
import request from 'supertest';
import { GITOPS_EVENTS_TOPIC } from '../events/gitEvents';
import { startPortal } from '../__testUtils__/startTestPortal';

jest.setTimeout(60_000);

const GITHUB_SECRET = 'github-secret';
const GITLAB_TOKEN = 'gitlab-token';

const sign = (body: string, secret = GITHUB_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const PUSH = JSON.stringify({
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  repository: { full_name: 'acme/workspaces' },
});

const GITLAB_PUSH = JSON.stringify({
  object_kind: 'push',
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'c'.repeat(40),
  project: { id: 7, path_with_namespace: 'acme/workspaces' },
});

async function portal() {
  const { server, published } = await startPortal({
    repositories: [
      {
        id: 'gh',
        provider: 'github',
        owner: 'acme',
        repo: 'workspaces',
        webhookSecret: GITHUB_SECRET,
      },
      {
        id: 'gl',
        provider: 'gitlab',
        project: 'acme/workspaces',
        webhookSecret: GITLAB_TOKEN,
      },
      { id: 'unsigned', provider: 'github', owner: 'acme', repo: 'other' },
    ],
  });
  const deliver = (
    repository: string,
    headers: Record<string, string>,
    body: string,
  ) =>
    request(server)
      .post(`/api/gitops/webhooks/${repository}`)
      .set({ 'Content-Type': 'application/json', ...headers })
      .send(body);
  return { deliver, published };
}

function expectRefused(res: request.Response, status: number, reason: RegExp) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({
    error: { message: expect.stringMatching(reason) },
    response: { statusCode: status },
  });
}

describe('webhooks', () => {
  it('refuses forged GitHub deliveries with 401 and the reason; nothing is published', async () => {
    const { deliver, published } = await portal();
    const push = { 'X-GitHub-Event': 'push' };

    expectRefused(
      await deliver('gh', push, PUSH),
      401,
      /x-hub-signature-256 header is missing/,
    );
    expectRefused(
      await deliver(
        'gh',
        { ...push, 'X-Hub-Signature-256': sign(PUSH, 'not-the-secret') },
        PUSH,
      ),
      401,
      /does not match the body and the configured secret/,
    );
    // a captured delivery replayed with its body altered
    expectRefused(
      await deliver(
        'gh',
        { ...push, 'X-Hub-Signature-256': sign(PUSH) },
        PUSH.replace('refs/heads/main', 'refs/heads/evil'),
      ),
      401,
      /does not match/,
    );
    expectRefused(
      await deliver('gh', { ...push, 'X-Hub-Signature': 'sha1=00' }, PUSH),
      401,
      /x-hub-signature-256 header is missing/,
    );
    expectRefused(
      await deliver(
        'unsigned',
        { ...push, 'X-Hub-Signature-256': sign(PUSH) },
        PUSH,
      ),
      401,
      /no webhookSecret configured/,
    );
    expect(published).toEqual([]);

    // the genuine delivery is accepted and published
    const ok = await deliver(
      'gh',
      { ...push, 'X-Hub-Signature-256': sign(PUSH) },
      PUSH,
    ).expect(202);
    expect(published).toEqual([
      { topic: GITOPS_EVENTS_TOPIC, eventPayload: ok.body.event },
    ]);
  });

  it('refuses GitLab deliveries without the right X-Gitlab-Token with 401; nothing is published', async () => {
    const { deliver, published } = await portal();
    const push = { 'X-Gitlab-Event': 'Push Hook' };

    expectRefused(
      await deliver('gl', push, GITLAB_PUSH),
      401,
      /X-Gitlab-Token header is missing/,
    );
    expectRefused(
      await deliver('gl', { ...push, 'X-Gitlab-Token': 'guess' }, GITLAB_PUSH),
      401,
      /X-Gitlab-Token header does not match the configured secret/,
    );
    expectRefused(
      await deliver(
        'gl',
        { ...push, 'X-Gitlab-Token': `${GITLAB_TOKEN}x` },
        GITLAB_PUSH,
      ),
      401,
      /does not match/,
    );
    expect(published).toEqual([]);

    await deliver(
      'gl',
      { ...push, 'X-Gitlab-Token': GITLAB_TOKEN },
      GITLAB_PUSH,
    ).expect(202);
    expect(published).toEqual([
      {
        topic: GITOPS_EVENTS_TOPIC,
        eventPayload: expect.objectContaining({
          type: 'push',
          repository: 'gl',
          after: 'c'.repeat(40),
        }),
      },
    ]);
  });

  it('answers 400 with issues for a verified body that is not JSON, 413 for an oversized one', async () => {
    const { deliver, published } = await portal();
    const broken = '{"ref": ';

    const github = await deliver(
      'gh',
      { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(broken) },
      broken,
    );
    expectRefused(github, 400, /GitHub webhook body is not a JSON object/);
    expect(github.body.issues).toEqual([
      expect.objectContaining({ message: github.body.error.message }),
    ]);

    const gitlab = await deliver(
      'gl',
      { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': GITLAB_TOKEN },
      broken,
    );
    expectRefused(gitlab, 400, /GitLab webhook body is not JSON/);

    // an unsigned broken body is forged before it is malformed
    expectRefused(
      await deliver('gh', { 'X-GitHub-Event': 'push' }, broken),
      401,
      /missing/,
    );

    const huge = await deliver(
      'gh',
      { 'X-GitHub-Event': 'push' },
      'x'.repeat(26 * 1024 * 1024),
    );
    expectRefused(
      huge,
      413,
      /^request body of 26 MiB is over the limit of 25 MiB$/,
    );
    expect(huge.body.error.name).toBe('PayloadTooLargeError');

    expect(published).toEqual([]);
  });
});
