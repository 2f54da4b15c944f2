/*
 * Turns Octokit's HTTP errors into @backstage/errors types, so the change-request API answers
 * with the right status and the caller sees what GitHub said (its message and validation
 * details), prefixed with what the portal was trying to do.
 */
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** The parts of @octokit/request-error's RequestError this module relies on. */
export interface GithubHttpError {
  name: string;
  status: number;
  message: string;
  response?: {
    data?: unknown;
    headers?: Record<string, string | number | undefined>;
  };
}

export function isGithubHttpError(error: unknown): error is GithubHttpError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'HttpError' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

/** GitHub's own words: `message` plus the `errors` details of a 422, without the request. */
export function githubMessage(error: GithubHttpError): string {
  const data = error.response?.data as
    | { message?: unknown; errors?: unknown }
    | string
    | undefined;
  if (typeof data === 'string' && data) {
    return data;
  }
  if (!data || typeof data !== 'object' || typeof data.message !== 'string') {
    return error.message;
  }
  const details = Array.isArray(data.errors)
    ? data.errors.map(detail => {
        if (typeof detail === 'string') {
          return detail;
        }
        const d = detail as Record<string, unknown>;
        if (typeof d.message === 'string') {
          return d.message;
        }
        return [d.resource, d.field, d.code].filter(Boolean).join(' ');
      })
    : [];
  return details.length
    ? `${data.message} (${details.join('; ')})`
    : data.message;
}

/**
 * Maps an error thrown by Octokit to a Backstage error whose message says what failed and why.
 * Errors that are not GitHub HTTP errors (already typed errors, bugs) are returned unchanged.
 */
export function toProviderError(error: unknown, action: string): Error {
  if (!isGithubHttpError(error)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const said = githubMessage(error);
  const message = `Could not ${action}: GitHub answered ${error.status} ${said}`;
  // no `cause`: the message already carries GitHub's words, and Backstage would append the raw
  // Octokit error (request URL, JSON details) to the message shown to users
  switch (error.status) {
    case 401:
      return new AuthenticationError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 405:
    case 409:
      return new ConflictError(message);
    case 422:
      if (/already exists/i.test(said)) {
        return new ConflictError(message);
      }
      if (/your own pull request/i.test(said)) {
        return new NotAllowedError(message);
      }
      return new InputError(message);
    default:
      if (error.status >= 500) {
        return new ServiceUnavailableError(message);
      }
      return new Error(message);
  }
}

export function isStatus(error: unknown, ...statuses: number[]): boolean {
  return isGithubHttpError(error) && statuses.includes(error.status);
}
