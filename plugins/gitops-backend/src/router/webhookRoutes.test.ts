/*
 * Forged and malformed webhook deliveries against the running plugin: each is refused with the
 * reason (401 forged or unverifiable, 400 malformed, 413 oversized) and publishes nothing, so no
 * sync is triggered. The verified deliveries beside them show the same route does accept.
 */
import { createHmac } from 'crypto';
import type { AddressInfo } from 'net';
import net from 'net';
import request from 'supertest';
import { MAX_CONCURRENT_DELIVERIES } from './webhookRoutes';
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
  return { deliver, published, server };
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

    // GitHub allows 25 MB; a GitOps delivery is kilobytes, and nobody is known yet
    const huge = await deliver(
      'gh',
      { 'X-GitHub-Event': 'push' },
      'x'.repeat(26 * 1024 * 1024),
    );
    expectRefused(huge, 413, /^request body of 26 MiB is over the limit of 1 MiB$/);
    expect(huge.body.error.name).toBe('PayloadTooLargeError');
    const justOver = await deliver(
      'gh',
      { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign('x') },
      'x'.repeat(1024 * 1024 + 1),
    );
    expectRefused(justOver, 413, /over the limit of 1 MiB$/);

    expect(published).toEqual([]);
  });

  it('reads at most a few unauthenticated deliveries at once; the rest get 503 with Retry-After', async () => {
    const { server, published } = await portal();
    const { port } = server.address() as AddressInfo;
    // slow senders: each declares a body and trickles it, holding a slot
    const sockets = Array.from({ length: MAX_CONCURRENT_DELIVERIES }, () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.write(
        'POST /api/gitops/webhooks/gh HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-GitHub-Event: push\r\nContent-Length: 1000\r\n\r\n{',
      );
      return socket;
    });
    try {
      let refused: request.Response | undefined;
      for (let i = 0; i < 50 && refused?.status !== 503; i++) {
        await new Promise(r => setTimeout(r, 50));
        refused = await request(server)
          .post('/api/gitops/webhooks/gh')
          .set({ 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(PUSH) })
          .send(PUSH);
      }
      expect(refused!.status).toBe(503);
      expect(refused!.headers['retry-after']).toBe('5');
      expect(refused!.body.error.message).toContain('webhook deliveries are being read already');
    } finally {
      sockets.forEach(s => s.destroy());
    }
    // the slots come back once those connections are gone
    let accepted: request.Response | undefined;
    for (let i = 0; i < 50 && accepted?.status !== 202; i++) {
      await new Promise(r => setTimeout(r, 50));
      accepted = await request(server)
        .post('/api/gitops/webhooks/gh')
        .set({ 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(PUSH) })
        .send(PUSH);
    }
    expect(accepted!.status).toBe(202);
    expect(published.length).toBeGreaterThan(0);
  });
});
