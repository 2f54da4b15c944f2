/*
 * Turns GitLab's HTTP answers into the @backstage/errors the backend already maps to status
 * codes, keeping GitLab's own message so a user sees why GitLab refused.
 */
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { GitlabRequestError } from './gitlabRequester';

type ErrorClass = new (message: string, cause?: unknown) => Error;

const DEFAULT_BY_STATUS: Record<number, ErrorClass> = {
  400: InputError,
  // A rejected token is a GitLab permission problem, not a portal sign-in problem: never 401.
  401: NotAllowedError,
  403: NotAllowedError,
  404: NotFoundError,
  405: NotAllowedError,
  406: ConflictError,
  409: ConflictError,
  412: ConflictError,
  422: InputError,
};

export function isGitlabStatus(error: unknown, ...statuses: number[]) {
  return error instanceof GitlabRequestError && statuses.includes(error.status);
}

/** A GitLab answer with this status whose own message matches (the URL path is not looked at). */
export function isGitlabAnswer(
  error: unknown,
  status: number,
  message: RegExp,
): boolean {
  return (
    error instanceof GitlabRequestError &&
    error.status === status &&
    message.test(error.gitlabMessage)
  );
}

/**
 * @param what - what the portal was doing, e.g. `merging merge request !4`
 * @param overrides - per-call meaning of a status (GitLab reuses codes across endpoints)
 */
export function toPortalError(
  error: unknown,
  what: string,
  overrides: Record<number, ErrorClass> = {},
): Error {
  if (!(error instanceof GitlabRequestError)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const ErrorType =
    overrides[error.status] ??
    DEFAULT_BY_STATUS[error.status] ??
    (error.status >= 500 ? ServiceUnavailableError : Error);
  return new ErrorType(
    `GitLab refused ${what} (${error.status}): ${error.gitlabMessage}`,
  );
}
