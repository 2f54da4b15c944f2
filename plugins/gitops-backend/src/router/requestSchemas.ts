/*
 * Request bodies and queries of the REST API (plugins/gitops-backend/README.md), checked with
 * zod. Unknown fields are refused: a typo must not be silently ignored.
 */
import { InputError } from '@backstage/errors';
import { z } from 'zod';

const text = (max: number) => z.string().max(max, `at most ${max} characters`);

export const changeSubmissionSchema = z
  .object({
    operation: z.enum(['create', 'update', 'delete']),
    kind: text(100).min(1),
    namespace: text(253),
    name: text(253),
    resource: z.record(z.string(), z.unknown()).optional(),
    yaml: z.string().optional(),
    baseRevision: text(64).optional(),
    title: text(256).optional(),
    description: text(16384).optional(),
    repository: text(63).optional(),
  })
  .strict();

export const fromBranchSchema = z
  .object({
    repository: text(63).min(1),
    branch: text(255).min(1),
    title: text(256).min(1),
    description: text(16384).optional(),
  })
  .strict();

export const reviewSchema = z
  .object({
    decision: z.enum(['approve', 'request_changes', 'comment']),
    comment: text(65536).optional(),
  })
  .strict();

export const changeListQuerySchema = z.object({
  state: z.enum(['open', 'merged', 'closed']).optional(),
  kind: text(100).optional(),
  author: text(512).optional(),
  repository: text(63).optional(),
});

export const resourceListQuerySchema = z.object({
  kind: text(100).optional(),
  namespace: text(63).optional(),
});

/** the value, or an InputError naming each offending field, e.g. `body.operation: ...` */
export function parseRequest<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: 'body' | 'query',
): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const field = issue.path
      .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('');
    return `${where}${field}: ${issue.message}`;
  });
  throw new InputError(problems.join('; '));
}
