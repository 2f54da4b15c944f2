/*
 * The REST API of the gitops plugin, mounted at /api/gitops (contract in README.md).
 */
import express from 'express';
import Router from 'express-promise-router';
import { createChangeRoutes } from './changeRoutes';
import { createCliRoutes } from './cliRoutes';
import { errorResponses, unknownRoute } from './errorResponses';
import { createResourceRoutes } from './resourceRoutes';
import { RouterContext, type RouterOptions } from './RouterContext';
import { createSchemaRoutes } from './schemaRoutes';
import { createSyncRoutes } from '../sync/syncRoutes';
import { createWebhookRoutes } from './webhookRoutes';

/** Room for a 1 MiB resource file (the validator's limit) as JSON, plus the rest of the body. */
const MAX_JSON_BODY = '3mb';

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const context = new RouterContext(options);
  const router = Router();
  // webhooks read the raw body: mounted before the JSON parser (the local provider module
  // mounts /git, which reads the raw body too, on the same plugin router)
  router.use('/webhooks', createWebhookRoutes(context));
  router.use('/schemas', createSchemaRoutes());
  router.use('/cli', createCliRoutes());

  // strict: false lets a JSON number or null through to the body schema, which names what is
  // wrong ("body: expected object, received number") instead of a misleading parse error
  router.use(express.json({ limit: MAX_JSON_BODY, strict: false }));
  router.use(createResourceRoutes(context));
  router.use('/changes', createChangeRoutes(context));
  router.use('/sync', createSyncRoutes(context, options.sync));
  router.use(unknownRoute);
  router.use(errorResponses);
  return router;
}
