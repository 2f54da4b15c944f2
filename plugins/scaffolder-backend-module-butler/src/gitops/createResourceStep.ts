/*
 * The step every "create a resource" action ends with (butler:workspace:create,
 * butler:pipeline:create, butler:registry:publish): the file is checked with the backend's own
 * rules before anything is sent; a dry run stops there and outputs the preview; otherwise the
 * change request is opened as the user and its outputs are set.
 */
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { OpenChangeRequest } from '@butler-portal/plugin-gitops-common';
import type { GitopsClient } from './GitopsClient';
import { previewChange } from './previewChange';
import { submitChange, type StepContext } from './submitChange';

export async function createResourceStep(
  ctx: StepContext & Pick<ActionContext<JsonObject>, 'isDryRun' | 'output'>,
  client: GitopsClient,
  submission: OpenChangeRequest,
): Promise<void> {
  const preview = previewChange(submission);
  if (ctx.isDryRun) {
    ctx.logger.info(`Dry run: would create ${preview.path}`);
    ctx.output('state', 'dry-run');
    ctx.output('path', preview.path);
    ctx.output('yaml', preview.yaml!);
    return;
  }
  const result = await submitChange(ctx, client, submission);
  for (const [key, value] of Object.entries(result)) {
    if (value !== undefined) ctx.output(key, value);
  }
}
