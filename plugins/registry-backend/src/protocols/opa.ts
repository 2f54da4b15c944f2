/*
 * The OPA bundle service (OPA's `services` + `bundles` configuration):
 *
 *   GET /opa/bundles/:ns/:name (mounted at /opa)     the newest served version of the policy, as a bundle
 *
 * Strong ETag of the bytes; `If-None-Match` with it answers 304, which is what OPA's polling
 * sends, so an unchanged bundle costs a header compare. A merge yields a new revision and a new
 * bundle.
 */
import express from 'express';
import Router from 'express-promise-router';
import crypto from 'crypto';
import type { GitSource } from '@butler-portal/plugin-registry-common';
import { ProtocolAccess } from '../auth/ProtocolAccess';
import { notFound, RegistryError } from '../errors';
import { latestServed } from '../records/RegistryIndex';
import type { Registry } from '../Registry';
import { buildOpaBundle } from './opaBundle';
import { labelParam } from './params';
import { sendCached } from './cachedBody';

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'bundle_not_found',
};

export function opaRouter(options: {
  registry: Registry;
  access: ProtocolAccess;
}) {
  const { registry, access } = options;
  const router = Router();

  router.get('/bundles/:ns/:name', async (req, res) => {
    const ns = labelParam(req.params.ns, 'namespace');
    const name = labelParam(req.params.name, 'bundle name');
    ProtocolAccess.checkNamespace(await access.of(req), ns);
    const index = await registry.index();
    const artifact = index.get(ns, name);
    if (!artifact || artifact.located.record.spec.type !== 'opa-bundle') {
      throw notFound(`bundle ${ns}/${name} not found`);
    }
    const bundle = await registry.derived(
      index,
      `opa:${ns}/${name}`,
      async () => {
        const latest = latestServed(artifact);
        if (!latest)
          throw notFound(`bundle ${ns}/${name} has no served version`);
        const content = await registry.sources.read(
          (latest.located.record.spec.source as { git: GitSource }).git,
        );
        const revision = index.commitOf(latest.located);
        const built = await buildOpaBundle(content, revision);
        const etag = `"${crypto
          .createHash('sha256')
          .update(built.bytes)
          .digest('hex')}"`;
        return { ...built, body: built.bytes, etag, version: latest.version };
      },
    );
    res.setHeader('Cache-Control', 'no-cache');
    sendCached(req, res, 'application/gzip', bundle);
  });

  const errors: express.ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = error instanceof RegistryError ? error.status : 500;
    if (status === 401)
      res.setHeader('WWW-Authenticate', 'Bearer realm="Keeper"');
    res.status(status).json({
      code: ERROR_CODES[status] ?? 'bundle_error',
      message:
        error instanceof RegistryError ? error.message : 'internal error',
    });
  };
  router.use(errors);
  return router;
}
