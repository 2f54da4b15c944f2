/*
 * butler:pipeline:create — a Herald Pipeline (Vector sources, transforms and sinks) opened as a
 * change request in the GitOps repository by the user who runs the template. The pipeline is
 * checked with the Herald rules (the same located messages as the editor, the backend and the
 * CLI) before anything is sent, so a template run never opens a change that would fail review.
 */
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { resourcePath, stringifyResource } from '@butler-portal/plugin-gitops-common';
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import type { z as zImpl } from 'zod/v3';
import { formatIssue, type GitopsClient } from '../gitops/GitopsClient';
import { createResourceStep } from '../gitops/createResourceStep';
import { changeRequestInputs } from './changeInputSchema';
import { changeOutputSchema } from './changeOutputSchema';

export const PIPELINE_CREATE_ACTION_ID = 'butler:pipeline:create';

const component = (z: typeof zImpl, withInputs: boolean) =>
  z
    .object({
      type: z.string().min(1).describe('Vector component type, e.g. kubernetes_logs'),
      ...(withInputs
        ? { inputs: z.array(z.string().min(1)).min(1).describe('ids (or <id>.<output>) it reads from') }
        : {}),
      options: z.record(z.string(), z.unknown()).optional().describe("Vector options of the type (without type and inputs)"),
    })
    .strict();

/** The input schema, exported so template tests check inputs with the action's own schema. */
export const pipelineCreateInputSchema = (z: typeof zImpl) =>
  z
    .object({
      name: z.string().min(1).describe('name of the pipeline (DNS label)'),
      namespace: z.string().min(1).describe('team namespace of the pipeline'),
      owner: z
        .string()
        .optional()
        .describe('owning team or user as an entity ref; default: the user running the template'),
      sources: z.record(z.string(), component(z, false)).describe('Vector sources by component id'),
      transforms: z
        .record(z.string(), component(z, true))
        .optional()
        .describe('Vector transforms by component id'),
      sinks: z.record(z.string(), component(z, true)).describe('Vector sinks by component id'),
      // `description` (from changeRequestInputs) is also the pipeline's spec.description
      ...changeRequestInputs(z, 'the first one holding Pipelines'),
    })
    .strict();

export type PipelineCreateInput = zImpl.infer<ReturnType<typeof pipelineCreateInputSchema>>;

/** The Pipeline resource of the inputs (empty `transforms` left out). */
export function buildPipeline(input: PipelineCreateInput, owner: string) {
  const transforms = input.transforms ?? {};
  return {
    apiVersion: 'herald.butlerlabs.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: input.name, namespace: input.namespace },
    spec: {
      owner,
      ...(input.description ? { description: input.description } : {}),
      sources: input.sources,
      ...(Object.keys(transforms).length > 0 ? { transforms } : {}),
      sinks: input.sinks,
    },
  };
}

export function createPipelineCreateAction(options: { client: GitopsClient }) {
  const { client } = options;
  return createTemplateAction({
    id: PIPELINE_CREATE_ACTION_ID,
    description:
      'Creates a Herald telemetry pipeline (Vector sources, transforms and sinks) through a GitOps change request, as the user running the template',
    examples: [
      {
        description: "Kubernetes logs of team-a's pods to Loki",
        example: [
          'steps:',
          '  - id: pipeline',
          '    action: butler:pipeline:create',
          '    input:',
          '      name: app-logs',
          '      namespace: team-a',
          '      owner: group:default/team-a',
          '      sources:',
          '        pods:',
          '          type: kubernetes_logs',
          '      sinks:',
          '        loki:',
          '          type: loki',
          '          inputs: [pods]',
          '          options:',
          '            endpoint: http://loki.observability.svc:3100',
          '            encoding: { codec: json }',
          "            labels: { app: '{{ kubernetes.pod_labels.app }}' }",
        ].join('\n'),
      },
    ],
    supportsDryRun: true,
    schema: { input: pipelineCreateInputSchema, output: changeOutputSchema },
    async handler(ctx) {
      const input = ctx.input as PipelineCreateInput;
      let owner = input.owner;
      if (!owner) {
        const credentials = await ctx.getInitiatorCredentials();
        const principal = credentials.principal as { type: string; userEntityRef?: string };
        if (principal.type !== 'user' || !principal.userEntityRef) {
          throw new InputError('owner: not given, and the template was not run by a signed-in user');
        }
        owner = principal.userEntityRef;
      }
      const resource = buildPipeline(input, owner);
      let path: string;
      try {
        path = resourcePath({ kind: 'Pipeline', namespace: input.namespace, name: input.name });
      } catch (error) {
        throw new InputError(`Pipeline ${input.namespace}/${input.name}: ${(error as Error).message}`);
      }
      // the Herald rules: topology, options against the pinned Vector schema, event-type flow
      const herald = validatePipeline(stringifyResource(resource), { file: path });
      if (!herald.ok) {
        throw new InputError(
          [
            `Pipeline ${input.namespace}/${input.name} is invalid:`,
            ...herald.errors.map(issue => `  - ${formatIssue(issue)}`),
          ].join('\n'),
        );
      }
      for (const warning of herald.warnings) ctx.logger.warn(formatIssue(warning));
      const submission = {
        operation: 'create' as const,
        kind: 'Pipeline',
        namespace: input.namespace,
        name: input.name,
        resource,
        title: input.title ?? `Create pipeline ${input.namespace}/${input.name}`,
        description: input.description
          ? `${input.description}\n\nRequested through a software template.`
          : 'Herald pipeline requested through a software template.',
        ...(input.repository !== undefined && { repository: input.repository }),
      };
      // checked with the backend's own rules first: a bad choice fails before anything is sent
      await createResourceStep(ctx, client, submission);
    },
  });
}
