/*
 * butler:registry:publish — a Keeper version (an ArtifactVersion record pinned to a commit) opened
 * as a change request by the user who runs the template. The version is approved exactly when
 * that change is merged; the same checks as the Registry page's publish form run before anything
 * is sent (canonical semver, a git URL, a relative subdirectory, a branch, tag or commit). A
 * branch or tag is resolved to its commit SHA by the registry backend when the step runs, as the
 * user, and the record pins that SHA.
 */
import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  isFullCommitSha,
  versionFormProblems,
  versionRecord,
} from '@butler-portal/plugin-registry-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
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
      ref: z
        .string()
        .min(1)
        .optional()
        .describe(
          'branch, tag or full commit SHA; resolved to the commit SHA the version pins when the step runs',
        ),
      commit: z
        .string()
        .min(1)
        .optional()
        .describe('a full 40-character commit SHA pinned as given (instead of ref)'),
      sourceRepository: z
        .string()
        .optional()
        .describe('id of the portal GitOps repository holding the source, if it is one'),
      changelog: z.string().optional().describe('what changed in this version'),
      ...changeRequestInputs(z, 'the first one holding ArtifactVersions'),
    })
    .strict();

export type RegistryPublishInput = zImpl.infer<ReturnType<typeof registryPublishInputSchema>>;

/**
 * The commit `ref` names in the source repository, from the registry. A full SHA of a repository
 * outside the portal cannot be checked here and is pinned as given (the PR check verifies it
 * where the repository is reachable).
 */
async function pinnedCommit(
  client: GitopsClient,
  source: string,
  ref: string,
  credentials: BackstageCredentials,
): Promise<string> {
  try {
    return (await client.resolveSourceRef({ source, ref }, { credentials })).commit;
  } catch (error) {
    const outside = /not one of the portal's repositories/.test((error as Error).message);
    if (error instanceof NotFoundError && outside && isFullCommitSha(ref)) return ref;
    throw new InputError(`ref: ${JSON.stringify(ref)} cannot be pinned: ${(error as Error).message}`);
  }
}

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
          '      sourceRepository: modules',
          '      ref: v1.5.0',
        ].join('\n'),
      },
    ],
    supportsDryRun: true,
    schema: { input: registryPublishInputSchema, output: changeOutputSchema },
    async handler(ctx) {
      const input = ctx.input as RegistryPublishInput;
      if ((input.ref === undefined) === (input.commit === undefined)) {
        throw new InputError(
          `Version ${input.version} of ${input.namespace}/${input.artifact} cannot be published: give exactly one of ref (a branch, tag or commit, resolved when the step runs) and commit (a full SHA)`,
        );
      }
      const ref = input.ref ?? input.commit!;
      const form = {
        version: input.version,
        repository: input.sourceRepository ?? '',
        url: input.url,
        subdirectory: input.subdirectory ?? '',
        ref,
        // `commit` is pinned as given; a ref is resolved below, once everything else is valid
        commit: input.commit ?? '',
        changelog: input.changelog ?? '',
      };
      const problems = Object.entries(versionFormProblems(form, [])).filter(
        ([field]) => input.ref === undefined || field !== 'commit',
      );
      if (problems.length > 0) {
        throw new InputError(
          [
            `Version ${input.version} of ${input.namespace}/${input.artifact} cannot be published:`,
            ...problems.map(([field, problem]) => `  - ${field}: ${problem}`),
          ].join('\n'),
        );
      }
      if (input.ref !== undefined) {
        form.commit = await pinnedCommit(
          client,
          input.sourceRepository ?? input.url,
          input.ref,
          await ctx.getInitiatorCredentials(),
        );
        ctx.logger.info(`${input.ref} resolved to commit ${form.commit}; the version pins it`);
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
