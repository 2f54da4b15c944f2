/*
 * /webhooks/<repository>: push and pull-request deliveries from GitHub and GitLab. No Backstage
 * sign-in: the GitHub signature or GitLab token is verified on the raw body before anything is
 * parsed (a forged delivery gets 401), then the event goes out on the events service.
 */
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { publishGitEvent } from '../events/gitEvents';
import type { RouterContext } from './RouterContext';

/**
 * Deliveries are read before anyone is known, so both their size and how many are read at once
 * are small. A push or pull-request event of a GitOps repository is a few kilobytes; GitHub's own
 * cap (25 MB) would let anyone make the backend buffer gigabytes.
 */
export const MAX_DELIVERY_BYTES = 1024 * 1024;
export const MAX_CONCURRENT_DELIVERIES = 8;

export function createWebhookRoutes(context: RouterContext) {
  const { repositories, events, logger } = context.options;
  const router = Router();
  let inFlight = 0;

  router.post(
    '/:repository',
    (req, res, next) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_DELIVERY_BYTES) {
        // refused before a byte of the body is read, in the body parser's own terms
        next(
          Object.assign(new Error('request entity too large'), {
            type: 'entity.too.large',
            status: 413,
            length: declared,
            limit: MAX_DELIVERY_BYTES,
          }),
        );
        return;
      }
      if (inFlight >= MAX_CONCURRENT_DELIVERIES) {
        res.setHeader('Retry-After', '5');
        next(
          new ServiceUnavailableError(
            `${MAX_CONCURRENT_DELIVERIES} webhook deliveries are being read already; retry shortly`,
          ),
        );
        return;
      }
      inFlight++;
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          inFlight--;
        }
      };
      res.on('finish', release);
      res.on('close', release);
      next();
    },
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
