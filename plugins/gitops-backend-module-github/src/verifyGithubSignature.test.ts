/*
 * The signature check must not leak, through its timing, how much of a guessed signature was
 * right: whatever the guess, the comparison is crypto.timingSafeEqual over two digests of the
 * same length, never `===` or Buffer.equals.
 */
import * as crypto from 'node:crypto';
import { verifyGithubSignature } from './parseGithubWebhook';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const SECRET = 'It is a secret to everybody';
const body = Buffer.from('{"zen":"Keep it logically awesome."}');
const hmac = (secret: string) =>
  crypto.createHmac('sha256', secret).update(body).digest('hex');

describe('verifyGithubSignature', () => {
  const timingSafeEqual = crypto.timingSafeEqual as jest.Mock;
  beforeEach(() => timingSafeEqual.mockClear());

  it.each([
    ['a signature with another secret', `sha256=${hmac('guess')}`],
    [
      'a signature right but for its last digit',
      `sha256=${hmac(SECRET).slice(0, -1)}${
        hmac(SECRET).endsWith('0') ? '1' : '0'
      }`,
    ],
    [
      'upper-case hex of another secret',
      `sha256=${hmac('guess').toUpperCase()}`,
    ],
  ])('compares %s in constant time and refuses it', (_what, header) => {
    expect(() => verifyGithubSignature(body, header, SECRET)).toThrow(
      /does not match the body and the configured secret/,
    );
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [a, b] = timingSafeEqual.mock.calls[0];
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
  });

  it('accepts the right signature through the same comparison', () => {
    verifyGithubSignature(body, `sha256=${hmac(SECRET)}`, SECRET);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});
