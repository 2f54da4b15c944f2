/*
 * /repositories and /resources: what the portal's forms read before they write.
 */
import {
  gitopsResourceReadPermission,
  type Repository,
  type ResourceDetail,
} from '@butler-portal/plugin-gitops-common';
import Router from 'express-promise-router';
import { readAccessOf } from '../access/readAccess';
import type { RouterContext } from './RouterContext';
import { parseRequest, resourceListQuerySchema } from './requestSchemas';

export function createResourceRoutes(context: RouterContext) {
  const { repositories, resources, changes, discovery } = context.options;
  const router = Router();

  router.get('/repositories', async (req, res) => {
    const credentials = await context.user(req);
    // the repositories themselves: whoever may read some file in them
    await context.authorize(gitopsResourceReadPermission, credentials, {
      anyResource: true,
    });
    const base = await discovery.getExternalBaseUrl('gitops');
    const items: Repository[] = await Promise.all(
      repositories.list().map(async repository => ({
        id: repository.id,
        provider: repository.provider.type,
        defaultBranch: await repository.provider.defaultBranch(),
        ...(repository.webUrl && { webUrl: repository.webUrl }),
        cloneUrl:
          repository.cloneUrl ??
          (repositories.isLocal(repository.id)
            ? `${base}/git/${repository.id}.git`
            : undefined),
        kinds: [...repository.kinds],
      })),
    );
    res.json({ items });
  });

  // only the files the caller may read, filtered before paging (access/readAccess.ts)
  router.get('/resources', async (req, res) => {
    const credentials = await context.user(req);
    const access = await readAccessOf(context, credentials);
    const filter = parseRequest(resourceListQuerySchema, req.query, 'query');
    res.json(
      await resources.list(filter, access.everything ? undefined : access.file),
    );
  });

  // a file the caller may not read is 404, as a missing one
  router.get('/resources/:kind/:namespace/:name', async (req, res) => {
    const credentials = await context.user(req);
    const access = await readAccessOf(context, credentials, { changes: true });
    const { kind, namespace, name } = req.params;
    const file = await resources.get(kind, namespace, name, access.file);
    const detail: ResourceDetail = {
      ...file,
      changes: await changes.openChangesTouching(file.repository, file.path, {
        visible: await access.changeListing({
          state: 'open',
          repository: file.repository,
        }),
      }),
    };
    res.json(detail);
  });

  return router;
}
