/*
 * The inputs both actions take about the change request itself (its title, its description,
 * the repository it goes to), worded once so templates treat the two actions alike; the
 * counterpart of changeOutputSchema.
 */
import type { z as zImpl } from 'zod/v3';

/** @param repositoryDefault - which repository the backend picks when none is given */
export const changeRequestInputs = (
  z: typeof zImpl,
  repositoryDefault: string,
) => ({
  title: z.string().optional().describe('title of the change request'),
  description: z
    .string()
    .optional()
    .describe('shown above the generated summary of the change request'),
  repository: z
    .string()
    .optional()
    .describe(
      `id of the GitOps repository (gitops.repositories); default: ${repositoryDefault}`,
    ),
});
