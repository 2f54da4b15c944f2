/*
 * Bounded retries of Kubernetes API calls. Retried: 5xx answers (except the permanent "field
 * not declared in schema" one), 429 throttling (waiting as long as Retry-After asks, within
 * the cap), timeouts and broken connections, and 409 Conflicts other than field-manager
 * conflicts (the call is made again from scratch, e.g. re-applied). Everything else fails at
 * once. `sleep` is injectable so tests see the waits without waiting.
 */
import {
  describeKubernetesError,
  isFieldManagerConflict,
  isSchemaRejection,
  KubernetesFailure,
} from './kubernetesErrors';

export interface KubernetesRetryOptions {
  /** retries after the first attempt (default 4) */
  maxRetries?: number;
  /** first backoff, doubled on each retry (default 250 ms) */
  backoffMs?: number;
  /** longest single wait (default 10 s) */
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryDecision {
  waitMs: number;
  reason: 'server error' | 'throttled' | 'timeout' | 'network' | 'conflict';
}

/** How long to wait before trying a failed call again, or undefined when it must not be. */
export function retryDecision(
  failure: KubernetesFailure,
  attempt: number,
  options: { backoffMs: number; maxBackoffMs: number },
): RetryDecision | undefined {
  const backoff = Math.min(
    options.backoffMs * 2 ** attempt,
    options.maxBackoffMs,
  );
  if (failure.timedOut) return { waitMs: backoff, reason: 'timeout' };
  if (failure.network) return { waitMs: backoff, reason: 'network' };
  if (failure.code === 429) {
    const asked =
      failure.retryAfterSeconds !== undefined
        ? failure.retryAfterSeconds * 1000
        : backoff;
    return {
      waitMs: Math.min(asked, options.maxBackoffMs),
      reason: 'throttled',
    };
  }
  if (failure.code === 409 && !isFieldManagerConflict(failure)) {
    return { waitMs: backoff, reason: 'conflict' };
  }
  if (
    failure.code !== undefined &&
    failure.code >= 500 &&
    failure.code !== 501
  ) {
    return isSchemaRejection(failure)
      ? undefined
      : { waitMs: backoff, reason: 'server error' };
  }
  return undefined;
}

/** A call that failed for good: the last failure, and how many attempts were made. */
export class KubernetesCallError extends Error {
  constructor(
    readonly failure: KubernetesFailure,
    readonly attempts: number,
    readonly cause?: unknown,
  ) {
    super(
      attempts > 1
        ? `${failure.message} (after ${attempts} attempts)`
        : failure.message,
    );
    this.name = 'KubernetesCallError';
  }
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => {
    setTimeout(resolve, ms);
  });

/** Runs `call`, retrying as {@link retryDecision} says; throws KubernetesCallError at the end. */
export async function withKubernetesRetries<T>(
  call: (attempt: number) => Promise<T>,
  options: KubernetesRetryOptions = {},
): Promise<{ value: T; attempts: number }> {
  const maxRetries = options.maxRetries ?? 4;
  const settings = {
    backoffMs: options.backoffMs ?? 250,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
  };
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await call(attempt), attempts: attempt + 1 };
    } catch (error) {
      if (error instanceof KubernetesCallError) throw error;
      const failure = describeKubernetesError(error);
      const decision =
        attempt < maxRetries
          ? retryDecision(failure, attempt, settings)
          : undefined;
      if (!decision) throw new KubernetesCallError(failure, attempt + 1, error);
      await sleep(decision.waitMs);
    }
  }
}
