/*
 * Request bodies and queries of the REST API (plugins/gitops-backend/README.md), checked with
 * zod. Unknown fields are refused: a typo must not be silently ignored.
 */
import { InputError } from '@backstage/errors';
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import { MAX_CHANGE_PAGE } from '@butler-portal/plugin-gitops-node';
import { MAX_RESOURCE_PAGE } from '../resources/ResourceReader';
import { z } from 'zod';

const text = (max: number) => z.string().max(max, `at most ${max} characters`);

/* eslint-disable no-control-regex */
// a title is a commit subject: one line; a NUL would even make a commit `git` itself refuses
const line = (max: number) =>
  text(max).regex(
    /^[^\u0000-\u001f\u007f]*$/,
    'one line, no control characters',
  );
// descriptions and comments are multi-line text: newlines and tabs, no other control characters
const prose = (max: number) =>
  text(max).regex(
    /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/,
    'no control characters other than newlines and tabs',
  );
/* eslint-enable no-control-regex */

export const changeSubmissionSchema = z
  .object({
    operation: z.enum(['create', 'update', 'delete']),
    kind: text(100).min(1),
    namespace: text(253),
    name: text(253),
    resource: z.record(z.string(), z.unknown()).optional(),
    yaml: z.string().optional(),
    baseRevision: text(64).optional(),
    title: line(256).optional(),
    description: prose(16384).optional(),
    repository: text(63).optional(),
  })
  .strict();

export const fromBranchSchema = z
  .object({
    repository: text(63).min(1),
    branch: text(255).min(1),
    title: line(256).min(1),
    description: prose(16384).optional(),
  })
  .strict();

export const reviewSchema = z
  .object({
    decision: z.enum(['approve', 'request_changes', 'comment']),
    comment: prose(65536).optional(),
  })
  .strict();

export const changeListQuerySchema = z.object({
  state: z.enum(['open', 'merged', 'closed']).optional(),
  kind: text(100).optional(),
  author: text(512).optional(),
  repository: text(63).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CHANGE_PAGE).optional(),
  cursor: text(200).optional(),
});

export const resourceListQuerySchema = z.object({
  kind: text(100).optional(),
  namespace: text(63).optional(),
  owner: text(320).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_RESOURCE_PAGE).optional(),
  cursor: text(2000).optional(),
});

/** A request that does not fit its schema; `issues` locate each field by JSON Pointer. */
export class RequestSchemaError extends InputError {
  readonly issues: ValidationIssue[];

  constructor(where: 'body' | 'query', zodIssues: z.ZodError['issues']) {
    super(
      zodIssues
        .map(issue => {
          const field = issue.path
            .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('');
          return `${where}${field}: ${issue.message}`;
        })
        .join('; '),
    );
    this.issues = zodIssues.map(issue => ({
      path: issue.path
        .map(p => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`)
        .join(''),
      line: 1,
      column: 1,
      message: issue.message,
    }));
  }
}

/** the value, or a RequestSchemaError naming each offending field, e.g. `body.operation: ...` */
export function parseRequest<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: 'body' | 'query',
): T {
  // no body at all is an empty object; a JSON `null` is a body of the wrong type
  const result = schema.safeParse(value === undefined ? {} : value);
  if (result.success) return result.data;
  throw new RequestSchemaError(where, result.error.issues);
}
