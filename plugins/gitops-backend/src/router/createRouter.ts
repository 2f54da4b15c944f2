/*
 * The REST API of the gitops plugin, mounted at /api/gitops (contract in README.md).
 */
import { serializeError } from '@backstage/errors';
import express, { type ErrorRequestHandler } from 'express';
import Router from 'express-promise-router';
import { createChangeRoutes } from './changeRoutes';
import { createGitRoutes } from './gitRoutes';
import { createResourceRoutes } from './resourceRoutes';
import { RouterContext, type RouterOptions } from './RouterContext';
import { createSchemaRoutes } from './schemaRoutes';
import { createSyncRoutes } from '../sync/syncRoutes';
import { createWebhookRoutes } from './webhookRoutes';

/** Room for a 1 MiB resource file (the validator's limit) as JSON, plus the rest of the body. */
const MAX_JSON_BODY = '3mb';

/**
 * A 400 with validation issues: Backstage's error body plus `issues` beside `error`, so a form
 * can mark each field and a CLI print `file:line:column`.
 */
const validationIssuesHandler: ErrorRequestHandler = (
  error,
  req,
  res,
  next,
) => {
  if (
    error?.name === 'InputError' &&
    Array.isArray(error.issues) &&
    !res.headersSent
  ) {
    res.status(400).json({
      error: serializeError(error),
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: 400 },
      issues: error.issues,
    });
    return;
  }
  next(error);
};

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const context = new RouterContext(options);
  const router = Router();
  // git and webhooks read the raw body: mounted before the JSON parser
  router.use('/git', createGitRoutes(context));
  router.use('/webhooks', createWebhookRoutes(context));
  router.use('/schemas', createSchemaRoutes());

  router.use(express.json({ limit: MAX_JSON_BODY }));
  router.use(createResourceRoutes(context));
  router.use('/changes', createChangeRoutes(context));
  router.use('/sync', createSyncRoutes(context, options.sync));
  router.use(validationIssuesHandler);
  return router;
}
