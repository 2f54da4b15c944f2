/*
 * A failed call to the gitops backend, with the server's own reason as the message.
 * ResponseError alone says "Request failed with 409 Conflict"; people need "not approved:
 * missing group:default/team-a" or "workspaces/team-a/x.yaml:7:3 /spec/image: must be string".
 * It stays a ResponseError (same name, body and cause) so ResponseErrorPanel shows the details.
 */
import { ResponseError } from '@backstage/errors';
import {
  formatIssue,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { GitopsRequestError } from '@butler-portal/plugin-gitops-react';

function issuesOf(...holders: unknown[]): ValidationIssue[] {
  for (const holder of holders) {
    const issues = (holder as { issues?: unknown } | undefined)?.issues;
    if (Array.isArray(issues)) return issues as ValidationIssue[];
  }
  return [];
}

/** Reads a non-2xx response of the gitops backend (consumes its body). */
export async function gitopsRequestError(
  response: Response,
): Promise<GitopsRequestError> {
  const error = (await ResponseError.fromResponse(
    response,
  )) as GitopsRequestError;
  // The contract puts `issues` beside `error`; accept them inside `error` too.
  const issues = issuesOf(error.body, error.body?.error);
  const reason = error.cause?.message || error.message;
  error.issues = issues;
  // an issue about the request itself (no file) repeats the reason: say it once
  const extra = issues.filter(i => i.file || !reason.includes(i.message));
  error.message = extra.length
    ? [reason, ...extra.map(formatIssue)].join('\n')
    : reason;
  return error;
}
