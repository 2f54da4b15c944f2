/*
 * The outputs both actions share: the opened change request, or, on a dry run, what would be
 * opened. Kept in one place so templates can treat the two actions alike.
 */
import type { z as zImpl } from 'zod/v3';

export const changeOutputSchema = (z: typeof zImpl) =>
  z.object({
    id: z
      .string()
      .optional()
      .describe('change id, <repository>:<number>; absent on a dry run'),
    number: z
      .number()
      .optional()
      .describe('number of the pull/merge request; absent on a dry run'),
    repository: z
      .string()
      .optional()
      .describe('id of the GitOps repository the change is in'),
    url: z
      .string()
      .optional()
      .describe(
        "the change request's page: the provider's pull/merge request, or the portal's page for local repositories; absent on a dry run",
      ),
    branch: z
      .string()
      .optional()
      .describe('the branch holding the change; absent on a dry run'),
    state: z
      .string()
      .describe(
        'open (or merged/closed for a replayed step); dry-run on a dry run',
      ),
    path: z
      .string()
      .describe('repository-relative path of the file the change writes'),
    yaml: z
      .string()
      .optional()
      .describe('on a dry run: the whole file that would be written'),
  });
