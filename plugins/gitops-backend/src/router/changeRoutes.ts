/*
 * /changes: open change requests (portal writes and pushed branches), read them with their
 * diff and validation, review, merge and close them.
 */
import {
  gitopsChangeClosePermission,
  gitopsChangeCreatePermission,
  gitopsChangeMergePermission,
  gitopsChangeReviewPermission,
  gitopsResourceReadPermission,
} from '@butler-portal/plugin-gitops-common';
import Router from 'express-promise-router';
import type { RouterContext } from './RouterContext';
import {
  changeListQuerySchema,
  changeSubmissionSchema,
  fromBranchSchema,
  parseRequest,
  reviewSchema,
} from './requestSchemas';

export function createChangeRoutes(context: RouterContext) {
  const { changes } = context.options;
  const router = Router();

  router.post('/', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsChangeCreatePermission, credentials);
    const body = parseRequest(changeSubmissionSchema, req.body, 'body');
    const author = await context.author(credentials, req);
    const { created, ...submitted } = await changes.submit(body, author, {
      idempotencyKey: req.header('idempotency-key'),
    });
    res.status(created ? 201 : 200).json(submitted);
  });

  router.post('/from-branch', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsChangeCreatePermission, credentials);
    const body = parseRequest(fromBranchSchema, req.body, 'body');
    const summary = await changes.openFromBranch(
      body,
      await context.author(credentials, req),
    );
    res.status(201).json(summary);
  });

  router.get('/', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsResourceReadPermission, credentials);
    const filter = parseRequest(changeListQuerySchema, req.query, 'query');
    res.json(await changes.listChangePage(filter));
  });

  router.get('/:id', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsResourceReadPermission, credentials);
    res.json(await changes.getChange(req.params.id));
  });

  router.post('/:id/reviews', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsChangeReviewPermission, credentials);
    const body = parseRequest(reviewSchema, req.body, 'body');
    const { actor } = await context.author(credentials, req);
    res.status(201).json(await changes.review(req.params.id, body, actor));
  });

  router.post('/:id/merge', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsChangeMergePermission, credentials);
    const { actor } = await context.author(credentials, req);
    res.json(await changes.merge(req.params.id, actor));
  });

  router.post('/:id/close', async (req, res) => {
    const credentials = await context.user(req);
    await context.authorize(gitopsChangeClosePermission, credentials);
    const { actor } = await context.author(credentials, req);
    res.json(await changes.close(req.params.id, actor));
  });

  return router;
}
