/*
 * The HTTP layer under @gitbeaker/rest. Gitbeaker's own request handler retries 429 and 502
 * ten times within a quarter of a second and ignores Retry-After, which turns a GitLab rate limit
 * into a burst of failed requests. This one honours Retry-After / RateLimit-Reset, retries
 * transient 5xx a bounded number of times with an injectable sleep (so tests never wait), and
 * raises one error type that carries GitLab's own message and status.
 */
import {
  createRequesterFn,
  type RequesterType,
  type ResourceOptions,
} from '@gitbeaker/requester-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';

/** A non-2xx answer from GitLab that is not worth retrying (or no longer). */
export class GitlabRequestError extends Error {
  readonly name = 'GitlabRequestError';
  constructor(
    readonly status: number,
    readonly method: string,
    /** path below /api/v4, without the query string */
    readonly path: string,
    /** GitLab's `message` / `error` text */
    readonly gitlabMessage: string,
  ) {
    super(`GitLab ${method} ${path} answered ${status}: ${gitlabMessage}`);
  }
}

export interface GitlabRetryOptions {
  /** retries after the first attempt; default 3 */
  maxRetries?: number;
  /** waits are never longer than this; a longer Retry-After fails at once; default 60 s */
  maxDelayMs?: number;
  /** first back-off for 5xx without Retry-After, doubled per attempt; default 500 ms */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** clock for RateLimit-Reset and HTTP-date Retry-After; default Date.now */
  now?: () => number;
  logger?: LoggerService;
}

export const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

// 500 may mean "done, then failed while answering": retrying a POST could apply it twice.
const ALWAYS_RETRIED = new Set([429, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

function isRetryable(status: number, method: string): boolean {
  if (ALWAYS_RETRIED.has(status)) return true;
  return status >= 500 && IDEMPOTENT.has(method);
}

/** The wait GitLab asks for, in ms, or undefined when it does not say. */
export function requestedDelayMs(
  headers: Headers,
  now: number,
): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers.get('ratelimit-reset'));
  if (headers.get('ratelimit-reset') && Number.isFinite(reset)) {
    // GitLab sends RateLimit-Reset as a Unix time in seconds.
    return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

function describeFailureBody(text: string, contentType: string): string {
  if (contentType.includes('application/json')) {
    try {
      const parsed = JSON.parse(text);
      const message = parsed?.message ?? parsed?.error ?? '';
      if (typeof message === 'string') return message;
      if (Array.isArray(message)) return message.join('; ');
      // Validation errors come as `{ message: { field: ["reason"] } }`.
      if (message && typeof message === 'object') {
        return Object.entries(message)
          .map(([field, reasons]) =>
            field === 'base'
              ? [reasons].flat().join(', ')
              : `${field} ${[reasons].flat().join(', ')}`,
          )
          .join('; ');
      }
    } catch {
      // not JSON after all: fall through to the raw text
    }
  }
  return text.slice(0, 500);
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const contentType = (response.headers.get('content-type') ?? '')
    .split(';')[0]
    .trim();
  if (contentType === 'application/json') {
    const text = await response.text();
    return text ? JSON.parse(text) : {};
  }
  return response.text();
}

interface HandlerOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  searchParams?: string;
  prefixUrl?: string;
  signal?: AbortSignal;
}

/** A gitbeaker `requesterFn` with the retry policy above. */
export function createGitlabRequesterFn(
  options: GitlabRetryOptions = {},
): (resourceOptions: ResourceOptions) => RequesterType {
  const maxRetries = options.maxRetries ?? 3;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;

  async function handle(endpoint: string, raw?: Record<string, unknown>) {
    const {
      method = 'GET',
      headers,
      body,
      searchParams,
      prefixUrl,
      signal,
    } = (raw ?? {}) as HandlerOptions;
    const base = prefixUrl?.endsWith('/') ? prefixUrl : `${prefixUrl}/`;
    const url = new URL(endpoint, base);
    url.search = searchParams ?? '';
    const path = url.pathname.replace(/^.*?\/api\/v4\//, '/');

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body, signal });
      } catch (error) {
        // A refused or reset connection never reached GitLab's application: safe to retry reads.
        if (
          attempt < maxRetries &&
          IDEMPOTENT.has(method) &&
          !signal?.aborted
        ) {
          await sleep(baseDelayMs * 2 ** attempt);
          continue;
        }
        throw new ServiceUnavailableError(
          `GitLab ${method} ${path} could not be reached`,
          error,
        );
      }

      if (response.ok) {
        return {
          body: (await parseBody(response)) as any,
          headers: Object.fromEntries(response.headers.entries()),
          status: response.status,
        };
      }

      const text = await response.text();
      const message = describeFailureBody(
        text,
        response.headers.get('content-type') ?? '',
      );
      if (!isRetryable(response.status, method)) {
        throw new GitlabRequestError(response.status, method, path, message);
      }
      const asked = requestedDelayMs(response.headers, now());
      const delay = asked ?? baseDelayMs * 2 ** attempt;
      if (attempt >= maxRetries || delay > maxDelayMs) {
        const why =
          response.status === 429
            ? `rate limited${
                asked !== undefined
                  ? `; GitLab asks to retry in ${Math.ceil(asked / 1000)} s`
                  : ''
              }`
            : `answered ${response.status}: ${message}`;
        throw new ServiceUnavailableError(
          `GitLab ${method} ${path} ${why} (gave up after ${
            attempt + 1
          } attempt${attempt ? 's' : ''})`,
        );
      }
      options.logger?.warn(
        `GitLab ${method} ${path} answered ${
          response.status
        }; retrying in ${delay} ms (attempt ${attempt + 2} of ${
          maxRetries + 1
        })`,
      );
      await sleep(delay);
    }
  }

  return createRequesterFn(
    (_, requestOptions) => Promise.resolve(requestOptions),
    handle,
  );
}
