/*
 * butler:registry:publish — a Keeper version (an ArtifactVersion record pinned to a commit) opened
 * as a change request by the user who runs the template. The version is approved exactly when
 * that change is merged; the same checks as the Registry page's publish form run before anything
 * is sent (canonical semver, a git URL, a relative subdirectory, a full commit SHA).
 */
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  versionFormProblems,
  versionRecord,
} from '@butler-portal/plugin-registry-common';
import type { z as zImpl } from 'zod/v3';
import type { GitopsClient } from '../gitops/GitopsClient';
import { createResourceStep } from '../gitops/createResourceStep';
import { changeRequestInputs } from './changeInputSchema';
import { changeOutputSchema } from './changeOutputSchema';

export const REGISTRY_PUBLISH_ACTION_ID = 'butler:registry:publish';

export const registryPublishInputSchema = (z: typeof zImpl) =>
  z
    .object({
      artifact: z.string().min(1).describe('name of the Artifact the version belongs to'),
      namespace: z.string().min(1).describe('namespace of the Artifact'),
      version: z.string().min(1).describe('canonical semver, without a leading v (e.g. 1.5.0)'),
      url: z.string().min(1).describe('git URL of the source repository'),
      subdirectory: z.string().optional().describe('folder of the module, chart or policy in it'),
      commit: z.string().min(1).describe('the full 40-character commit SHA the version pins'),
      sourceRepository: z
        .string()
        .optional()
        .describe('id of the portal GitOps repository holding the source, if it is one'),
      changelog: z.string().optional().describe('what changed in this version'),
      ...changeRequestInputs(z, 'the first one holding ArtifactVersions'),
    })
    .strict();

export type RegistryPublishInput = zImpl.infer<ReturnType<typeof registryPublishInputSchema>>;

export function createRegistryPublishAction(options: { client: GitopsClient }) {
  const { client } = options;
  return createTemplateAction({
    id: REGISTRY_PUBLISH_ACTION_ID,
    description:
      'Publishes a Keeper artifact version (pinned to a commit) through a GitOps change request, as the user running the template',
    examples: [
      {
        description: 'Version 1.5.0 of the example Terraform module',
        example: [
          'steps:',
          '  - id: publish',
          '    action: butler:registry:publish',
          '    input:',
          '      artifact: terraform-aws-vpc',
          '      namespace: team-a',
          '      version: 1.5.0',
          '      url: https://git.example.com/team-a/modules.git',
          '      subdirectory: terraform/vpc',
          '      commit: 0123456789abcdef0123456789abcdef01234567',
        ].join('\n'),
      },
    ],
    supportsDryRun: true,
    schema: { input: registryPublishInputSchema, output: changeOutputSchema },
    async handler(ctx) {
      const input = ctx.input as RegistryPublishInput;
      const form = {
        version: input.version,
        repository: input.sourceRepository ?? '',
        url: input.url,
        subdirectory: input.subdirectory ?? '',
        commit: input.commit,
        changelog: input.changelog ?? '',
      };
      const problems = Object.entries(versionFormProblems(form, []));
      if (problems.length > 0) {
        throw new InputError(
          [
            `Version ${input.version} of ${input.namespace}/${input.artifact} cannot be published:`,
            ...problems.map(([field, problem]) => `  - ${field}: ${problem}`),
          ].join('\n'),
        );
      }
      const resource = versionRecord({ namespace: input.namespace, name: input.artifact }, form);
      const submission = {
        operation: 'create' as const,
        kind: 'ArtifactVersion',
        namespace: input.namespace,
        name: resource.metadata.name,
        resource,
        title: input.title ?? `Publish ${input.artifact} ${input.version}`,
        description: `${input.description ? `${input.description}\n\n` : ''}Requested through a software template; the version is published when this change is merged.`,
        ...(input.repository !== undefined && { repository: input.repository }),
      };
      // checked with the backend's own rules first: a bad choice fails before anything is sent
      await createResourceStep(ctx, client, submission);
    },
  });
}
