/*
 * /repositories and /resources: what the portal's forms read before they write.
 */
import {
  gitopsResourceReadPermission,
  type Repository,
  type ResourceDetail,
} from '@butler-portal/plugin-gitops-common';
import Router from 'express-promise-router';
import type { RouterContext } from './RouterContext';
import { parseRequest, resourceListQuerySchema } from './requestSchemas';

export function createResourceRoutes(context: RouterContext) {
  const { repositories, resources, changes, discovery } = context.options;
  const router = Router();

  router.get('/repositories', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsResourceReadPermission, credentials);
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

  router.get('/resources', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsResourceReadPermission, credentials);
    const filter = parseRequest(resourceListQuerySchema, req.query, 'query');
    res.json(await resources.list(filter));
  });

  router.get('/resources/:kind/:namespace/:name', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsResourceReadPermission, credentials);
    const { kind, namespace, name } = req.params;
    const file = await resources.get(kind, namespace, name);
    const detail: ResourceDetail = {
      ...file,
      changes: await changes.openChangesTouching(file.repository, file.path),
    };
    res.json(detail);
  });

  return router;
}
