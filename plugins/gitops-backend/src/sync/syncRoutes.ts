/*
 * /sync: what the reconciler holds in each target, and a button to sync a repository now.
 * Reading shows the resources the caller may read (access/readAccess.ts; filtered before
 * paging) and can be narrowed (repository, kind, namespace) and paged (each target's resources,
 * `limit` at a time); triggering needs the merge permission,
 * because whoever may put a commit on the default branch may also ask for it to be applied.
 */
import {
  findKind,
  gitopsChangeMergePermission,
  type SyncTargetStatus,
} from '@butler-portal/plugin-gitops-common';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { readAccessOf, type ReadAccess } from '../access/readAccess';
import { parseRequest } from '../router/requestSchemas';
import Router from 'express-promise-router';
import type { RouterContext } from '../router/RouterContext';
import type { SyncTasks } from './SyncTasks';

/** Resources per target in one answer: 5,000 workspaces were 1.4 MB in one go. */
export const DEFAULT_SYNC_PAGE = 500;
export const MAX_SYNC_PAGE = 5000;

const syncQuerySchema = z.object({
  repository: z.string().max(63).optional(),
  kind: z.string().max(100).optional(),
  namespace: z.string().max(63).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_SYNC_PAGE).optional(),
  cursor: z.string().max(200).optional(),
});

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeOffset(cursor: string): number {
  try {
    const { offset } = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // reported below
  }
  throw new InputError(
    'cursor: not a cursor of this listing (pass nextCursor back unchanged)',
  );
}

type SyncItem = Awaited<ReturnType<SyncTasks['status']>>[number];

/** the item's resources the caller may read */
const readableOf = (item: SyncItem, access: ReadAccess) =>
  item.resources.filter(r => access.resource(item.repository, r.ref));

const names = (resources: SyncItem['resources']) =>
  resources
    .map(r => `${r.ref.kind} ${r.ref.namespace}/${r.ref.name}`)
    .join(', ');

/*
 * A target's message and last error are written for the whole repository: they name invalid
 * files and their issues, failed objects and totals of every team. To a caller who may not read
 * everything they are restated from what the caller may read: counts of those resources, and
 * the names of those not synced; platform admins and viewers get the text as written.
 */
function restatedMessage(item: SyncItem, access: ReadAccess): string {
  const readable = readableOf(item, access);
  const synced = readable.filter(r => r.status === 'Synced').length;
  const notSynced = readable.filter(r => r.status !== 'Synced');
  return `${item.condition.reason}: ${synced} of the ${
    readable.length
  } resources you may read here are synced${
    notSynced.length ? `; not synced: ${names(notSynced)}` : ''
  }`;
}

function restatedError(item: SyncItem, access: ReadAccess): string {
  const failed = readableOf(item, access).filter(
    r => r.status === 'Failed' || r.lastError,
  );
  return `the last sync of this target failed${
    failed.length ? `; of the resources you may read: ${names(failed)}` : ''
  }`;
}

export function createSyncRoutes(context: RouterContext, sync: SyncTasks) {
  const router = Router();
  router.get('/', async (req, res) => {
    const credentials = await context.user(req);
    const access = await readAccessOf(context, credentials, { changes: true });
    const query = parseRequest(syncQuerySchema, req.query, 'query');
    const kind = query.kind ? findKind(query.kind) : undefined;
    if (query.kind && !kind) {
      throw new InputError(
        `kind: ${JSON.stringify(query.kind.slice(0, 80))} is not a known kind`,
      );
    }
    const offset = query.cursor ? decodeOffset(query.cursor) : 0;
    const limit = query.limit ?? DEFAULT_SYNC_PAGE;
    let more = false;
    const items = (await sync.status())
      .filter(item => !query.repository || item.repository === query.repository)
      .map(item => {
        const condition = access.everything
          ? item.condition
          : {
              ...item.condition,
              ...(item.condition.message && {
                message: restatedMessage(item, access),
              }),
            };
        const lastError =
          item.lastError && !access.everything
            ? restatedError(item, access)
            : item.lastError;
        const matching = item.resources.filter(
          r =>
            (!kind || r.ref.kind === kind.kind) &&
            (!query.namespace || r.ref.namespace === query.namespace) &&
            access.resource(item.repository, r.ref),
        );
        if (offset + limit < matching.length) more = true;
        return {
          ...item,
          condition,
          lastError,
          resourceCount: matching.length,
          resources: matching.slice(offset, offset + limit),
        };
      });
    const nextCursor = more ? encodeOffset(offset + limit) : undefined;
    const body: { items: SyncTargetStatus[]; nextCursor?: string } = {
      ...(nextCursor !== undefined && { nextCursor }),
      items: items.map(item => ({
        resourceCount: item.resourceCount,
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
    // a whole repository, no file in particular: allowed to those who may merge somewhere
    await context.authorize(gitopsChangeMergePermission, credentials, {
      anyResource: true,
    });
    // the runs go on after the answer; GET /sync shows how they end
    const { targets } = sync.trigger(req.params.repository);
    res.status(202).json({ repository: req.params.repository, targets });
  });
  return router;
}
