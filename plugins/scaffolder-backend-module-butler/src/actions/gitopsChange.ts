/*
 * butler:gitops:change — add, edit or delete one resource file in a GitOps repository through a
 * change request, opened by the gitops backend as the user who runs the template.
 */
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  findKind,
  KINDS,
  type OpenChangeRequest,
} from '@butler-portal/plugin-gitops-common';
import type { z as zImpl } from 'zod/v3';
import type { GitopsClient } from '../gitops/GitopsClient';
import { previewChange } from '../gitops/previewChange';
import { submitChange } from '../gitops/submitChange';
import { changeRequestInputs } from './changeInputSchema';
import { changeOutputSchema } from './changeOutputSchema';

export const GITOPS_CHANGE_ACTION_ID = 'butler:gitops:change';

/** The input schema, exported so template tests check inputs with the action's own schema. */
export const gitopsChangeInputSchema = (z: typeof zImpl) =>
  z
    .object({
      operation: z
        .enum(['create', 'update', 'delete'])
        .describe('create a new file, update an existing one, or delete it'),
      kind: z
        .string()
        .min(1)
        .describe(
          `the resource kind: ${KINDS.map(k => k.kind).join(
            ', ',
          )} (or its plural)`,
        ),
      namespace: z.string().min(1).describe('the team namespace'),
      name: z.string().min(1).describe('the resource name'),
      resource: z
        .record(z.unknown())
        .optional()
        .describe('the whole resource as an object (create/update)'),
      yaml: z
        .string()
        .optional()
        .describe(
          'the whole file as YAML text (create/update), instead of resource',
        ),
      baseRevision: z
        .string()
        .optional()
        .describe(
          'commit the edit is based on; the change is refused if the file changed since',
        ),
      ...changeRequestInputs(z, 'the first one holding the kind'),
    })
    .strict();

export type GitopsChangeInput = zImpl.infer<
  ReturnType<typeof gitopsChangeInputSchema>
>;

/** The backend's request body for the input; the kind given as plural or any case. */
export function submissionOf(input: GitopsChangeInput): OpenChangeRequest {
  const kind = findKind(input.kind);
  if (!kind) {
    throw new InputError(
      `kind: unknown kind "${input.kind}"; known kinds: ${KINDS.map(
        k => k.kind,
      ).join(', ')}`,
    );
  }
  return {
    operation: input.operation,
    kind: kind.kind,
    namespace: input.namespace,
    name: input.name,
    ...(input.resource !== undefined && { resource: input.resource }),
    ...(input.yaml !== undefined && { yaml: input.yaml }),
    ...(input.baseRevision !== undefined && {
      baseRevision: input.baseRevision,
    }),
    ...(input.title !== undefined && { title: input.title }),
    ...(input.description !== undefined && {
      description: input.description,
    }),
    ...(input.repository !== undefined && { repository: input.repository }),
  };
}

export function createGitopsChangeAction(options: { client: GitopsClient }) {
  return createTemplateAction({
    id: GITOPS_CHANGE_ACTION_ID,
    description:
      'Opens a GitOps change request adding, editing or deleting one resource file, as the user running the template',
    examples: [
      {
        description: 'Add a WorkspaceTemplate',
        example: [
          'steps:',
          '  - id: change',
          '    action: butler:gitops:change',
          '    input:',
          '      operation: create',
          '      kind: WorkspaceTemplate',
          '      namespace: team-a',
          '      name: go-dev',
          '      resource:',
          '        apiVersion: butler.butlerlabs.dev/v1alpha1',
          '        kind: WorkspaceTemplate',
          '        metadata: { name: go-dev, namespace: team-a }',
          '        spec:',
          '          displayName: Go development',
          '          template: { image: golang:1.23-bookworm }',
        ].join('\n'),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: gitopsChangeInputSchema,
      output: changeOutputSchema,
    },
    async handler(ctx) {
      const submission = submissionOf(ctx.input as GitopsChangeInput);
      if (ctx.isDryRun) {
        // same validation as the backend, nothing sent: the dry run must not open anything
        const preview = previewChange(submission);
        ctx.logger.info(
          `Dry run: would ${submission.operation} ${preview.path} through a change request`,
        );
        ctx.output('state', 'dry-run');
        ctx.output('path', preview.path);
        if (preview.yaml !== undefined) ctx.output('yaml', preview.yaml);
        return;
      }
      const result = await submitChange(ctx, options.client, submission);
      for (const [key, value] of Object.entries(result)) {
        if (value !== undefined) ctx.output(key as never, value as never);
      }
    },
  });
}
