/*
 * butler:workspace:create — a Workspace from a WorkspaceTemplate, opened as a change request
 * in the GitOps repository by the user who runs the template. The template is read through the
 * gitops backend on the user's behalf too, so a user only builds from templates they may read.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { z as zImpl } from 'zod/v3';
import type { GitopsClient } from '../gitops/GitopsClient';
import { createResourceStep } from '../gitops/createResourceStep';
import { buildWorkspace, type TemplateRef } from '../workspace/buildWorkspace';
import { changeRequestInputs } from './changeInputSchema';
import { changeOutputSchema } from './changeOutputSchema';

export const WORKSPACE_CREATE_ACTION_ID = 'butler:workspace:create';

/** Where cluster-scoped WorkspaceTemplates live (the Butler CRD's convention). */
export const CLUSTER_TEMPLATE_NAMESPACE = 'butler-system';

/** The input schema, exported so template tests check inputs with the action's own schema. */
export const workspaceCreateInputSchema = (z: typeof zImpl) =>
  z
    .object({
      name: z.string().min(1).describe('name of the workspace'),
      namespace: z
        .string()
        .min(1)
        .describe('team namespace the workspace is created in'),
      template: z
        .string()
        .min(1)
        .describe(
          `WorkspaceTemplate: <name> (looked up in the namespace, then in ${CLUSTER_TEMPLATE_NAMESPACE}) or <namespace>/<name>`,
        ),
      owner: z
        .string()
        .optional()
        .describe(
          "email of the owning user; default: the email of the user running the template (their catalog User's spec.profile.email)",
        ),
      clusterRef: z
        .string()
        .min(1)
        .describe('the TenantCluster (in the namespace) the workspace runs in'),
      cpu: z.string().optional().describe('CPU, e.g. "2" or "500m"'),
      memory: z.string().optional().describe('memory, e.g. "4Gi"'),
      storageSize: z.string().optional().describe('volume size, e.g. "20Gi"'),
      repositories: z
        .array(
          z
            .object({
              url: z.string().min(1),
              branch: z.string().optional(),
              name: z.string().optional(),
            })
            .strict(),
        )
        .optional()
        .describe("Git repositories to clone; replace the template's"),
      dotfiles: z
        .object({
          url: z.string().min(1),
          installCommand: z.string().optional(),
        })
        .strict()
        .optional()
        .describe('dotfiles repository and install command'),
      idleTimeout: z
        .string()
        .optional()
        .describe('Go duration after which SSH is torn down, e.g. "4h"'),
      autoStopAfter: z
        .string()
        .optional()
        .describe(
          'Go duration without connections before the pod stops, e.g. "8h"',
        ),
      sshPublicKeys: z
        .array(z.string())
        .optional()
        .describe('SSH public keys (OpenSSH one-line format)'),
      ...changeRequestInputs(z, 'the first one holding Workspaces'),
    })
    .strict();

export type WorkspaceCreateInput = zImpl.infer<
  ReturnType<typeof workspaceCreateInputSchema>
>;

export function createWorkspaceCreateAction(options: {
  client: GitopsClient;
  catalog: CatalogService;
}) {
  const { client, catalog } = options;

  /** The WorkspaceTemplate the workspace may be built from. */
  async function findTemplate(
    input: WorkspaceCreateInput,
    credentials: BackstageCredentials,
  ): Promise<TemplateRef> {
    const parts = input.template.split('/');
    if (parts.length > 2 || parts.some(p => p === '')) {
      throw new InputError(
        `template: "${input.template}" is not <name> or <namespace>/<name>`,
      );
    }
    const candidates =
      parts.length === 2
        ? [{ namespace: parts[0], name: parts[1] }]
        : [
            { namespace: input.namespace, name: parts[0] },
            { namespace: CLUSTER_TEMPLATE_NAMESPACE, name: parts[0] },
          ];
    for (const candidate of candidates) {
      const file = await client.getResource(
        { kind: 'WorkspaceTemplate', ...candidate },
        { credentials },
      );
      if (!file) continue;
      const object = file.object as JsonObject | null;
      const spec = object?.spec as JsonObject | undefined;
      if (!spec || typeof spec.template !== 'object' || !spec.template) {
        throw new InputError(
          `template: ${file.path} in repository ${file.repository} is not a valid WorkspaceTemplate; fix the file first`,
        );
      }
      // a team template is offered to its own team only (the CRD's scope rule)
      const scope = spec.scope ?? 'team';
      if (candidate.namespace !== input.namespace && scope !== 'cluster') {
        throw new InputError(
          `template: ${candidate.namespace}/${candidate.name} is scoped to team ${candidate.namespace}; a workspace in ${input.namespace} needs a template of its own namespace or a cluster-scoped one`,
        );
      }
      return { ...candidate, template: spec.template as JsonObject };
    }
    throw new NotFoundError(
      `template: no WorkspaceTemplate ${candidates
        .map(c => `${c.namespace}/${c.name}`)
        .join(' or ')}`,
    );
  }

  /** The initiating user's email, from their catalog User entity. */
  async function initiatorEmail(
    credentials: BackstageCredentials,
  ): Promise<string> {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user' || !principal.userEntityRef) {
      throw new InputError(
        'owner: not given, and the template was not run by a signed-in user whose email could be used',
      );
    }
    const user = await catalog.getEntityByRef(principal.userEntityRef, {
      credentials,
    });
    const email = (user?.spec?.profile as { email?: unknown } | undefined)
      ?.email;
    if (typeof email !== 'string' || email === '') {
      throw new InputError(
        `owner: not given, and ${
          user ? 'the catalog User entity' : 'the catalog has no User entity'
        } ${principal.userEntityRef}${
          user ? ' has no spec.profile.email' : ''
        }; give the owner's email`,
      );
    }
    return email;
  }

  return createTemplateAction({
    id: WORKSPACE_CREATE_ACTION_ID,
    description:
      'Creates a Workspace from a WorkspaceTemplate through a GitOps change request, as the user running the template',
    examples: [
      {
        description: 'A Go workspace on team-a-dev',
        example: [
          'steps:',
          '  - id: workspace',
          '    action: butler:workspace:create',
          '    input:',
          '      name: jane-dev',
          '      namespace: team-a',
          '      template: go-dev',
          '      clusterRef: team-a-dev',
          '      memory: 8Gi',
          '      repositories:',
          '        - url: https://github.com/example-org/payments-api.git',
        ].join('\n'),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: workspaceCreateInputSchema,
      output: changeOutputSchema,
    },
    async handler(ctx) {
      const input = ctx.input as WorkspaceCreateInput;
      const credentials = await ctx.getInitiatorCredentials();
      const owner = input.owner ?? (await initiatorEmail(credentials));
      // read-only, so a dry run reads the template too: the preview is the real Workspace
      const template = await findTemplate(input, credentials);
      const resource = buildWorkspace(
        {
          name: input.name,
          namespace: input.namespace,
          owner,
          clusterRef: input.clusterRef,
          cpu: input.cpu,
          memory: input.memory,
          storageSize: input.storageSize,
          repositories: input.repositories,
          dotfiles: input.dotfiles,
          idleTimeout: input.idleTimeout,
          autoStopAfter: input.autoStopAfter,
          sshPublicKeys: input.sshPublicKeys,
        },
        template,
      );
      const submission = {
        operation: 'create' as const,
        kind: 'Workspace',
        namespace: input.namespace,
        name: input.name,
        resource,
        title:
          input.title ?? `Create workspace ${input.namespace}/${input.name}`,
        description:
          input.description ??
          `Workspace from the WorkspaceTemplate ${template.namespace}/${template.name}, requested through a software template.`,
        ...(input.repository !== undefined && {
          repository: input.repository,
        }),
      };
      // checked with the backend's own rules first: a bad choice fails before anything is sent
      await createResourceStep(ctx, client, submission);
    },
  });
}
