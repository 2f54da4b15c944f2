/*
 * /webhooks/<repository>: push and pull-request deliveries from GitHub and GitLab. No Backstage
 * sign-in: the GitHub signature or GitLab token is verified on the raw body before anything is
 * parsed (a forged delivery gets 401), then the event goes out on the events service.
 */
import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { publishGitEvent } from '../events/gitEvents';
import type { RouterContext } from './RouterContext';

/** GitHub caps deliveries at 25 MB. */
const MAX_DELIVERY_BYTES = '25mb';

export function createWebhookRoutes(context: RouterContext) {
  const { repositories, events, logger } = context.options;
  const router = Router();

  router.post(
    '/:repository',
    express.raw({ type: () => true, limit: MAX_DELIVERY_BYTES }),
    async (req, res) => {
      const repository = repositories.get(req.params.repository);
      if (!repository) {
        throw new NotFoundError(
          `repository ${JSON.stringify(
            req.params.repository.slice(0, 80),
          )} is not configured`,
        );
      }
      const { config } = repository;
      const parseWebhook = context.options.gitProviders.factoryOf(config.id)?.parseWebhook;
      if (!parseWebhook) {
        throw new InputError(
          `repository '${config.id}' is ${config.provider}; its events come from the portal itself`,
        );
      }
      const rawBody: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      const event = parseWebhook(config, { headers: req.headers, rawBody });
      if (event) {
        await publishGitEvent(events, event, logger);
      }
      res.status(202).json({ accepted: true, ...(event && { event }) });
    },
  );

  return router;
}
