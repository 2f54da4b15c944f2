/*
 * /sync: what the reconciler holds in each target, and a button to sync a repository now.
 * Reading needs a signed-in user; triggering needs the merge permission, because whoever may
 * put a commit on the default branch may also ask for it to be applied.
 */
import {
  gitopsChangeMergePermission,
  type SyncTargetStatus,
} from '@butler-portal/plugin-gitops-common';
import Router from 'express-promise-router';
import type { RouterContext } from '../router/RouterContext';
import type { SyncTasks } from './SyncTasks';

export function createSyncRoutes(context: RouterContext, sync: SyncTasks) {
  const router = Router();
  router.get('/', async (req, res) => {
    await context.user(req);
    const items = await sync.status();
    const body: { items: SyncTargetStatus[] } = {
      items: items.map(item => ({
        repository: item.repository,
        target: item.target,
        condition: item.condition.type,
        reason: item.condition.reason,
        ...(item.condition.message && { message: item.condition.message }),
        revision: item.revision ?? null,
        ...(item.lastError && { lastError: item.lastError }),
        ...(item.updatedAt && { updatedAt: item.updatedAt }),
        consecutiveFailures: item.consecutiveFailures,
        ...(item.retryAt && { retryAt: item.retryAt }),
        resources: item.resources.map(r => ({
          kind: r.ref.kind,
          namespace: r.ref.namespace,
          name: r.ref.name,
          status: r.status,
          revision: r.revision ?? null,
          reason: r.condition.reason,
          ...(r.condition.message && { message: r.condition.message }),
          ...(r.drift && { drift: r.drift }),
          ...(r.retry && { retryAt: r.retry.at }),
          ...(r.lastError && { lastError: r.lastError }),
          ...(r.health && { health: r.health }),
        })),
      })),
    };
    res.json(body);
  });

  router.post('/:repository', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsChangeMergePermission, credentials);
    // the runs go on after the answer; GET /sync shows how they end
    const { targets } = sync.trigger(req.params.repository);
    res.status(202).json({ repository: req.params.repository, targets });
  });
  return router;
}
