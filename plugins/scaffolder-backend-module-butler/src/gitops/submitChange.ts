/*
 * Opening a change from a scaffolder step, shared by butler:gitops:change and
 * butler:workspace:create so both behave the same: as the initiating user, with the step's
 * idempotency key, inside a checkpoint (a task resumed after a restart does not post again).
 */
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import {
  type OpenChangeRequest,
  resourcePath,
} from '@butler-portal/plugin-gitops-common';
import type { GitopsClient } from './GitopsClient';
import { idempotencyKeyFor } from './idempotencyKey';

/** What both actions output for an opened change. */
export interface ChangeResult {
  [key: string]: string | number | undefined;
  id: string;
  number: number;
  repository?: string;
  /** the change request's page: the provider's pull/merge request, or the portal's page */
  url: string;
  branch: string;
  state: string;
  /** repository-relative path of the file the change writes */
  path: string;
}

export type StepContext = Pick<
  ActionContext<JsonObject>,
  'logger' | 'task' | 'step' | 'each' | 'checkpoint' | 'getInitiatorCredentials'
>;

export async function submitChange(
  ctx: StepContext,
  client: GitopsClient,
  submission: OpenChangeRequest,
): Promise<ChangeResult> {
  const idempotencyKey = idempotencyKeyFor(ctx);
  const credentials = await ctx.getInitiatorCredentials();
  const target = `${submission.operation} ${submission.kind} ${submission.namespace}/${submission.name}`;
  ctx.logger.info(
    `Opening a change request: ${target} (Idempotency-Key ${idempotencyKey})`,
  );
  const result = await ctx.checkpoint({
    key: `butler.gitops.change.${idempotencyKey}`,
    fn: async (): Promise<ChangeResult> => {
      const opened = await client.openChange(submission, {
        credentials,
        idempotencyKey,
      });
      return {
        id: opened.id,
        number: opened.number,
        ...(opened.repository && { repository: opened.repository }),
        // local repositories have no web page of their own: link the portal's change page
        url: opened.url ?? `/changes/${encodeURIComponent(opened.id)}`,
        branch: opened.branch,
        state: opened.state,
        path: await changedPath(ctx, client, opened.id, submission),
      };
    },
  });
  ctx.logger.info(
    `Change request ${result.id} is ${result.state}: ${result.url}`,
  );
  return result;
}

/**
 * The file the change writes, as the backend placed it (a repository may keep its resources
 * under a prefix folder); the default layout's path if the summary cannot be read.
 */
async function changedPath(
  ctx: StepContext,
  client: GitopsClient,
  id: string,
  submission: OpenChangeRequest,
): Promise<string> {
  const fallback = () =>
    resourcePath({
      kind: submission.kind as never,
      namespace: submission.namespace,
      name: submission.name,
    });
  try {
    const summary = await client.getChange(id, {
      credentials: await ctx.getInitiatorCredentials(),
    });
    return summary.paths?.[0] ?? fallback();
  } catch (error) {
    // the change is open; failing the step now would only make a retry replay it
    ctx.logger.warn(`Could not read change ${id}: ${String(error)}`);
    return fallback();
  }
}
