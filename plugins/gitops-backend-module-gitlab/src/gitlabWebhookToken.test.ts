/*
 * The X-Gitlab-Token check must not leak, through its timing, how much of a guessed token was
 * right or how long the secret is: both sides are hashed to the same length and compared with
 * crypto.timingSafeEqual, never `===`.
 */
import * as crypto from 'crypto';
import {
  GitlabWebhookTokenError,
  parseGitlabWebhook,
} from './parseGitlabWebhook';

jest.mock('crypto', () => {
  const actual = jest.requireActual('crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const SECRET = 's3cret-hook-token';
const rawBody = JSON.stringify({
  object_kind: 'push',
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  project: { id: 1, path_with_namespace: 'butler/platform' },
});

describe('the X-Gitlab-Token comparison', () => {
  const timingSafeEqual = crypto.timingSafeEqual as jest.Mock;
  beforeEach(() => timingSafeEqual.mockClear());

  it.each([
    ['guess'],
    [`${SECRET}x`],
    [SECRET.slice(0, -1)],
    ['x'.repeat(5000)],
  ])(
    'compares %j in constant time, whatever its length, and refuses it',
    token => {
      expect(() =>
        parseGitlabWebhook({
          headers: { 'x-gitlab-token': token },
          rawBody,
          secretToken: SECRET,
        }),
      ).toThrow(GitlabWebhookTokenError);
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [a, b] = timingSafeEqual.mock.calls[0];
      expect(a.length).toBe(b.length);
    },
  );

  it('accepts the configured token through the same comparison', () => {
    expect(
      parseGitlabWebhook({
        headers: { 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Push Hook' },
        rawBody,
        secretToken: SECRET,
      }),
    ).toMatchObject({ type: 'push' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});
