import { createHmac } from 'node:crypto';
import { InputError } from '@backstage/errors';
import {
  GithubWebhookSignatureError,
  parseGithubWebhook,
} from './parseGithubWebhook';

const SECRET = 'It is a secret to everybody';

function delivery(event: string, payload: unknown, secret = SECRET) {
  const rawBody = Buffer.from(JSON.stringify(payload));
  return {
    headers: {
      'X-GitHub-Event': event,
      'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret)
        .update(rawBody)
        .digest('hex')}`,
      'content-type': 'application/json',
    },
    rawBody,
    secret: SECRET,
  };
}

const repository = { full_name: 'butlerlabs/platform' };
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('parseGithubWebhook', () => {
  it('turns a signed push into a push event', () => {
    expect(
      parseGithubWebhook(
        delivery('push', {
          ref: 'refs/heads/main',
          before: A,
          after: B,
          repository,
        }),
      ),
    ).toEqual({
      type: 'push',
      repository: 'butlerlabs/platform',
      branch: 'main',
      before: A,
      after: B,
    });
  });

  it('maps the repository through resolveRepository and ignores unknown ones', () => {
    const input = delivery('push', {
      ref: 'refs/heads/feature/x',
      before: '0'.repeat(40),
      after: B,
      repository,
    });
    expect(
      parseGithubWebhook({
        ...input,
        resolveRepository: name =>
          name === 'butlerlabs/platform' ? 'platform' : undefined,
      }),
    ).toEqual({
      type: 'push',
      repository: 'platform',
      branch: 'feature/x',
      before: undefined,
      after: B,
    });
    expect(
      parseGithubWebhook({ ...input, resolveRepository: () => undefined }),
    ).toBeUndefined();
  });

  it('ignores tag pushes, branch deletions and events the portal does not act on', () => {
    expect(
      parseGithubWebhook(
        delivery('push', {
          ref: 'refs/tags/v1',
          before: A,
          after: B,
          repository,
        }),
      ),
    ).toBeUndefined();
    expect(
      parseGithubWebhook(
        delivery('push', {
          ref: 'refs/heads/x',
          before: A,
          after: '0'.repeat(40),
          deleted: true,
          repository,
        }),
      ),
    ).toBeUndefined();
    expect(
      parseGithubWebhook(
        delivery('ping', { zen: 'Keep it logically awesome.', repository }),
      ),
    ).toBeUndefined();
    expect(
      parseGithubWebhook(
        delivery('pull_request', {
          action: 'labeled',
          number: 3,
          pull_request: { number: 3 },
          repository,
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    ['opened', false, 'opened'],
    ['reopened', false, 'opened'],
    ['synchronize', false, 'updated'],
    ['edited', false, 'updated'],
    ['closed', true, 'merged'],
    ['closed', false, 'closed'],
  ])('maps pull_request %s (merged: %s) to %s', (action, merged, expected) => {
    expect(
      parseGithubWebhook(
        delivery('pull_request', {
          action,
          number: 7,
          pull_request: { number: 7, merged },
          repository,
        }),
      ),
    ).toEqual({
      type: 'change',
      repository: 'butlerlabs/platform',
      changeId: '7',
      action: expected,
    });
  });

  it('maps submitted and dismissed reviews to reviewed', () => {
    for (const action of ['submitted', 'dismissed']) {
      expect(
        parseGithubWebhook(
          delivery('pull_request_review', {
            action,
            review: { state: 'approved' },
            pull_request: { number: 9 },
            repository,
          }),
        ),
      ).toEqual({
        type: 'change',
        repository: 'butlerlabs/platform',
        changeId: '9',
        action: 'reviewed',
      });
    }
  });

  it('accepts form-encoded deliveries and string bodies', () => {
    const payload = JSON.stringify({
      ref: 'refs/heads/main',
      before: A,
      after: B,
      repository,
    });
    const rawBody = `payload=${encodeURIComponent(payload)}`;
    const signature = `sha256=${createHmac('sha256', SECRET)
      .update(rawBody)
      .digest('hex')}`;
    expect(
      parseGithubWebhook({
        headers: {
          'x-github-event': 'push',
          'x-hub-signature-256': signature,
          'content-type': 'application/x-www-form-urlencoded',
        },
        rawBody,
        secret: SECRET,
      }),
    ).toMatchObject({ type: 'push', branch: 'main', after: B });
  });

  it('rejects a delivery signed with another secret', () => {
    const forged = delivery(
      'push',
      { ref: 'refs/heads/main', after: B, repository },
      'guessed',
    );
    expect(() => parseGithubWebhook(forged)).toThrow(
      GithubWebhookSignatureError,
    );
    expect(() => parseGithubWebhook(forged)).toThrow(
      /does not match the body and the configured secret/,
    );
  });

  it('rejects a body changed after signing', () => {
    const signed = delivery('push', {
      ref: 'refs/heads/main',
      after: B,
      repository,
    });
    const tampered = {
      ...signed,
      rawBody: Buffer.from(signed.rawBody.toString().replace('main', 'prod')),
    };
    expect(() => parseGithubWebhook(tampered)).toThrow(
      GithubWebhookSignatureError,
    );
  });

  it('rejects missing and malformed signatures', () => {
    const signed = delivery('push', {
      ref: 'refs/heads/main',
      after: B,
      repository,
    });
    const { 'X-Hub-Signature-256': _signature, ...unsigned } = signed.headers;
    expect(() => parseGithubWebhook({ ...signed, headers: unsigned })).toThrow(
      'GitHub webhook rejected: the x-hub-signature-256 header is missing',
    );
    expect(() =>
      parseGithubWebhook({
        ...signed,
        headers: { ...unsigned, 'x-hub-signature-256': 'sha1=abc' },
      }),
    ).toThrow(/not of the form sha256=/);
  });

  it('refuses to run without a secret', () => {
    expect(() =>
      parseGithubWebhook({ ...delivery('push', { repository }), secret: '' }),
    ).toThrow(/secret is not configured/);
  });

  it('rejects a signed body that is not JSON', () => {
    const rawBody = Buffer.from('not json');
    expect(() =>
      parseGithubWebhook({
        headers: {
          'x-github-event': 'push',
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET)
            .update(rawBody)
            .digest('hex')}`,
        },
        rawBody,
        secret: SECRET,
      }),
    ).toThrow(InputError);
  });
});
