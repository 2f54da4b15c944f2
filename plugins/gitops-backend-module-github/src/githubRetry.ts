/*
 * Rate-limit and 5xx handling for every Octokit request, as a request hook. Written here instead
 * of using @octokit/plugin-throttling / plugin-retry because those schedule waits through
 * Bottleneck timers, which tests cannot replace; this hook takes `sleep` and `now` so tests can
 * assert the waits without waiting. Retries are bounded in count and in the length of one wait.
 */
import { headerValue } from '@butler-portal/plugin-gitops-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import { githubMessage, isGithubHttpError } from './githubErrors';

export interface GithubRetryOptions {
  /** retries after the first attempt (default 3) */
  maxRetries?: number;
  /** longest single wait for a rate limit to reset; longer ones fail at once (default 120 s) */
  maxRateLimitWaitMs?: number;
  /** first backoff after a 5xx, doubled on each retry (default 1 s) */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  logger?: LoggerService;
}

export interface RetryDecision {
  waitMs: number;
  reason: 'rate limit' | 'server error';
}

const SECONDARY_LIMIT_WAIT_MS = 60_000;

/**
 * How long to wait before retrying a failed request, or undefined when it must not be retried.
 * GitHub signals rate limits with 403 or 429 plus `retry-after` (secondary limits) or
 * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (primary limit, epoch seconds).
 */
export function retryDecision(
  error: unknown,
  attempt: number,
  options: { now: () => number; backoffMs: number },
): RetryDecision | undefined {
  if (!isGithubHttpError(error)) {
    return undefined;
  }
  const headers = error.response?.headers;
  const backoff = options.backoffMs * 2 ** attempt;
  if (error.status === 403 || error.status === 429) {
    const retryAfter = headerValue(headers, 'retry-after');
    if (retryAfter !== undefined) {
      const seconds = Number(retryAfter);
      const waitMs = Number.isFinite(seconds)
        ? seconds * 1000
        : Date.parse(retryAfter) - options.now();
      return { waitMs: Math.max(0, waitMs), reason: 'rate limit' };
    }
    const reset = headerValue(headers, 'x-ratelimit-reset');
    if (headerValue(headers, 'x-ratelimit-remaining') === '0' && reset) {
      return {
        waitMs: Math.max(0, Number(reset) * 1000 - options.now()),
        reason: 'rate limit',
      };
    }
    if (error.status === 429) {
      return { waitMs: backoff, reason: 'rate limit' };
    }
    if (/secondary rate limit/i.test(githubMessage(error))) {
      return { waitMs: SECONDARY_LIMIT_WAIT_MS, reason: 'rate limit' };
    }
    return undefined;
  }
  if (error.status >= 500) {
    return { waitMs: backoff, reason: 'server error' };
  }
  return undefined;
}

/** Installs the retry hook on an Octokit instance (once per instance). */
export function installGithubRetry(
  octokit: Octokit,
  options: GithubRetryOptions = {},
): Octokit {
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxRateLimitWaitMs ?? 120_000;
  const backoffMs = options.backoffMs ?? 1000;
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));

  octokit.hook.wrap('request', async (request, requestOptions) => {
    const what = `${requestOptions.method} ${requestOptions.url}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const decision = retryDecision(error, attempt, { now, backoffMs });
        if (!decision || !isGithubHttpError(error)) {
          throw error;
        }
        const said = `${error.status} ${githubMessage(error)}`;
        if (decision.reason === 'rate limit' && decision.waitMs > maxWait) {
          throw new ServiceUnavailableError(
            `GitHub rate limit exceeded for ${what} (${said}); it resets in ${Math.ceil(
              decision.waitMs / 1000,
            )} s, longer than the ${Math.ceil(
              maxWait / 1000,
            )} s the portal waits`,
            error,
          );
        }
        if (attempt >= maxRetries) {
          throw new ServiceUnavailableError(
            `GitHub ${what} failed after ${attempt + 1} attempts (${
              decision.reason
            }): ${said}`,
          );
        }
        options.logger?.warn(
          `GitHub ${what} answered ${said}; retrying in ${
            decision.waitMs
          } ms (${decision.reason}, attempt ${attempt + 2} of ${
            maxRetries + 1
          })`,
        );
        await sleep(decision.waitMs);
      }
    }
  });
  return octokit;
}
