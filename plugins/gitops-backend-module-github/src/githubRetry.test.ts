import { retryDecision } from './githubRetry';

const NOW = 1_700_000_000_000;
const options = { now: () => NOW, backoffMs: 1000 };

function httpError(
  status: number,
  headers: Record<string, string> = {},
  message = 'x',
) {
  return {
    name: 'HttpError',
    status,
    message,
    response: { data: { message }, headers },
  };
}

describe('retryDecision', () => {
  it('honours retry-after in seconds and as an HTTP date', () => {
    expect(
      retryDecision(httpError(429, { 'retry-after': '12' }), 0, options),
    ).toEqual({ waitMs: 12_000, reason: 'rate limit' });
    expect(
      retryDecision(
        httpError(403, { 'retry-after': new Date(NOW + 5000).toUTCString() }),
        0,
        options,
      ),
    ).toEqual({ waitMs: 5000, reason: 'rate limit' });
  });

  it('waits for x-ratelimit-reset when the primary limit is used up', () => {
    expect(
      retryDecision(
        httpError(403, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(NOW / 1000 + 42),
        }),
        0,
        options,
      ),
    ).toEqual({ waitMs: 42_000, reason: 'rate limit' });
  });

  it('waits a minute on a secondary limit without headers, backs off on a bare 429', () => {
    expect(
      retryDecision(
        httpError(403, {}, 'You have exceeded a secondary rate limit.'),
        0,
        options,
      ),
    ).toEqual({
      waitMs: 60_000,
      reason: 'rate limit',
    });
    expect(retryDecision(httpError(429), 2, options)).toEqual({
      waitMs: 4000,
      reason: 'rate limit',
    });
  });

  it('backs off exponentially on 5xx', () => {
    expect(
      [0, 1, 2].map(a => retryDecision(httpError(503), a, options)?.waitMs),
    ).toEqual([1000, 2000, 4000]);
  });

  it('does not retry client errors or a 403 that is not a rate limit', () => {
    for (const status of [400, 401, 404, 405, 409, 422]) {
      expect(retryDecision(httpError(status), 0, options)).toBeUndefined();
    }
    expect(
      retryDecision(
        httpError(403, { 'x-ratelimit-remaining': '4999' }, 'Forbidden'),
        0,
        options,
      ),
    ).toBeUndefined();
    expect(retryDecision(new Error('not http'), 0, options)).toBeUndefined();
  });
});
