import { ApiException } from '@kubernetes/client-node';
import { describeKubernetesError } from './kubernetesErrors';
import {
  KubernetesCallError,
  retryDecision,
  withKubernetesRetries,
} from './kubernetesRetry';

function apiError(
  code: number,
  status: object = {},
  headers: Record<string, string> = {},
) {
  return new ApiException(
    code,
    'Unsuccessful HTTP Request',
    JSON.stringify({ kind: 'Status', code, ...status }),
    headers,
  );
}

const settings = { backoffMs: 100, maxBackoffMs: 1000 };

describe('retryDecision', () => {
  it.each([
    [
      'a 500',
      apiError(500, { reason: 'InternalError', message: 'etcd timeout' }),
      { waitMs: 400, reason: 'server error' },
    ],
    ['a 503', apiError(503), { waitMs: 400, reason: 'server error' }],
    [
      'an optimistic-concurrency 409',
      apiError(409, {
        reason: 'Conflict',
        message: 'the object has been modified',
      }),
      { waitMs: 400, reason: 'conflict' },
    ],
    [
      'a 429 with Retry-After',
      apiError(429, {}, { 'retry-after': '2' }),
      { waitMs: 1000, reason: 'throttled' },
    ],
    [
      'a timeout',
      Object.assign(new Error('The operation was aborted.'), {
        name: 'AbortError',
      }),
      { waitMs: 400, reason: 'timeout' },
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), {
        code: 'ECONNREFUSED',
      }),
      { waitMs: 400, reason: 'network' },
    ],
  ])('retries %s', (_what, error, decision) => {
    expect(retryDecision(describeKubernetesError(error), 2, settings)).toEqual(
      decision,
    );
  });

  it.each([
    [
      'a field-manager conflict',
      apiError(409, {
        reason: 'Conflict',
        details: {
          causes: [{ reason: 'FieldManagerConflict', field: '.spec.image' }],
        },
      }),
    ],
    [
      'an undeclared field',
      apiError(500, {
        message:
          'failed to create typed patch object (a/b; v1, Kind=X): .spec.x: field not declared in schema',
      }),
    ],
    ['an invalid object', apiError(422, { reason: 'Invalid' })],
    ['a missing object', apiError(404, { reason: 'NotFound' })],
    ['a forbidden call', apiError(403, { reason: 'Forbidden' })],
    ['an unknown error', new Error('boom')],
  ])('does not retry %s', (_what, error) => {
    expect(
      retryDecision(describeKubernetesError(error), 0, settings),
    ).toBeUndefined();
  });
});

describe('withKubernetesRetries', () => {
  it('retries until the call succeeds, waiting with doubling backoff', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withKubernetesRetries(
      async () => {
        calls++;
        if (calls < 3) throw apiError(503);
        return 'ok';
      },
      { backoffMs: 10, sleep: async ms => void waits.push(ms) },
    );
    expect(result).toEqual({ value: 'ok', attempts: 3 });
    expect(waits).toEqual([10, 20]);
  });

  it('stops after maxRetries and reports the last failure with the attempts', async () => {
    const call = withKubernetesRetries(
      async () => {
        throw apiError(500, {
          reason: 'InternalError',
          message: 'Internal error occurred: etcd',
        });
      },
      { maxRetries: 2, sleep: async () => {} },
    );
    await expect(call).rejects.toThrow(KubernetesCallError);
    await expect(call).rejects.toMatchObject({
      attempts: 3,
      message: 'Internal error occurred: etcd (after 3 attempts)',
      failure: { code: 500, reason: 'InternalError' },
    });
  });
});
