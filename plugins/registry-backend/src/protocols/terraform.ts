/*
 * The Terraform / OpenTofu module registry protocol (module-registry-protocol in both projects'
 * docs): service discovery, the versions list and the download location, plus the archive the
 * location points to. Errors use the registry's own shape, {"errors": ["..."]}.
 *
 *   GET /.well-known/terraform.json                              {"modules.v1": ".../terraform/v1/modules/"}
 *   GET /terraform/v1/modules/:ns/:name/:system/versions         {"modules":[{"versions":[{"version"}]}]}
 *   GET /terraform/v1/modules/:ns/:name/:system/:version/download
 *       204 + X-Terraform-Get (Terraform, OpenTofu); 200 + {"location"} with Accept: application/json
 *   GET|HEAD /terraform/archive/:ns/:artifact/:version.tar.gz?expires&signature   (no token)
 */
import express, { type Request, type Response } from 'express';
import Router from 'express-promise-router';
import type { GitSource } from '@butler-portal/plugin-registry-common';
import { SignedUrls } from '../archive/SignedUrls';
import { ProtocolAccess } from '../auth/ProtocolAccess';
import { notFound, RegistryError } from '../errors';
import { isServed, type ArtifactEntry } from '../records/RegistryIndex';
import type { RegistryIndex } from '../records/RegistryIndex';
import type { Registry } from '../Registry';
import { labelParam, versionParam } from './params';
import { cachedBody, sendCached } from './cachedBody';

export interface TerraformRouterOptions {
  registry: Registry;
  access: ProtocolAccess;
  signedUrls: SignedUrls;
  /** external base URL of the plugin, e.g. https://portal.example.com/api/registry */
  baseUrl: () => Promise<string>;
}

function findModule(
  index: RegistryIndex,
  ns: string,
  name: string,
  system: string,
): ArtifactEntry {
  // terraform-<system>-<name> (HashiCorp's naming convention), or <name> under "generic"
  const entry =
    index.get(ns, `terraform-${system}-${name}`) ??
    (system === 'generic' ? index.get(ns, name) : undefined);
  if (!entry || entry.located.record.spec.type !== 'terraform-module') {
    throw notFound(`module ${ns}/${name}/${system} not found`);
  }
  return entry;
}

function findVersion(entry: ArtifactEntry, version: string) {
  const found = entry.versions.find(v => v.version === version);
  if (!found || !isServed(found)) {
    throw notFound(
      `version ${version} of ${entry.namespace}/${entry.name} not found${
        found
          ? ` (${found.state}${found.reason ? `: ${found.reason}` : ''})`
          : ''
      }`,
    );
  }
  return found;
}

function sendError(res: Response, error: unknown) {
  const status = error instanceof RegistryError ? error.status : 500;
  const message =
    error instanceof RegistryError ? error.message : 'internal error';
  if (status === 401)
    res.setHeader('WWW-Authenticate', 'Bearer realm="Keeper"');
  res.status(status).json({ errors: [message] });
}

export function terraformRouter(options: TerraformRouterOptions) {
  const { registry, access, signedUrls } = options;
  const router = Router();

  const modules = Router();
  modules.get('/:ns/:name/:system/versions', async (req, res) => {
    const ns = labelParam(req.params.ns, 'namespace');
    const name = labelParam(req.params.name, 'module name');
    const system = labelParam(req.params.system, 'system');
    ProtocolAccess.checkNamespace(await access.of(req), ns);
    const index = await registry.index();
    const entry = findModule(index, ns, name, system);
    const body = await registry.derived(
      index,
      `tf-versions:${ns}/${entry.name}`,
      async () =>
        cachedBody(
          Buffer.from(
            JSON.stringify({
              modules: [
                {
                  versions: entry.versions
                    .filter(isServed)
                    .map(v => ({ version: v.version })),
                },
              ],
            }),
          ),
        ),
    );
    sendCached(req, res, 'application/json; charset=utf-8', body);
  });

  modules.get('/:ns/:name/:system/:version/download', async (req, res) => {
    const ns = labelParam(req.params.ns, 'namespace');
    const name = labelParam(req.params.name, 'module name');
    const system = labelParam(req.params.system, 'system');
    const version = versionParam(req.params.version);
    ProtocolAccess.checkNamespace(await access.of(req), ns);
    const index = await registry.index();
    const entry = findModule(index, ns, name, system);
    const found = findVersion(entry, version);
    // the source is read (and its pin checked) now, so a bad pin fails `init` with its reason
    await registry.sources.read(
      (found.located.record.spec.source as { git: GitSource }).git,
    );
    const path = archivePath(ns, entry.name, version);
    const location = `${await options.baseUrl()}/terraform/${path}?${signedUrls.sign(
      path,
    )}`;
    // OpenTofu also accepts 200 + {"location"}; offered to clients that ask for JSON
    if (/\bapplication\/json\b/.test(String(req.headers.accept ?? ''))) {
      res.status(200).json({ location });
      return;
    }
    res.setHeader('X-Terraform-Get', location);
    res.status(204).end();
  });
  modules.use((_req, _res) => {
    throw notFound('no such module registry route');
  });
  router.use('/v1/modules', modules);

  // the archive: reachable without a token, through the signed URL only
  router.get(
    '/archive/:ns/:artifact/:file',
    async (req: Request, res: Response) => {
      const ns = labelParam(req.params.ns, 'namespace');
      const artifact = labelParam(req.params.artifact, 'artifact');
      const match = /^(.*)\.tar\.gz$/.exec(req.params.file);
      if (!match) throw notFound('archives are named <version>.tar.gz');
      const version = versionParam(match[1]);
      const path = archivePath(ns, artifact, version);
      const check = signedUrls.verify(
        path,
        req.query.expires,
        req.query.signature,
      );
      if (!check.ok) throw new RegistryError(403, check.reason);
      const index = await registry.index();
      const entry = index.get(ns, artifact);
      if (!entry || entry.located.record.spec.type !== 'terraform-module') {
        throw notFound(`module ${ns}/${artifact} not found`);
      }
      const found = findVersion(entry, version);
      const content = await registry.sources.read(
        (found.located.record.spec.source as { git: GitSource }).git,
      );
      res.setHeader('Content-Type', 'application/gzip');
      res.setHeader('ETag', `"${content.digest}"`);
      res.setHeader('Cache-Control', 'private, max-age=300, immutable');
      // express answers HEAD from this GET without the body
      res.send(content.archive);
    },
  );

  const errors: express.ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendError(res, error);
  };
  router.use(errors);
  return router;
}

/** GET /.well-known/terraform.json: service discovery, public like the host's own */
export function terraformDiscovery(
  baseUrl: () => Promise<string>,
): express.RequestHandler {
  return (_req, res, next) => {
    baseUrl()
      .then(url => res.json({ 'modules.v1': `${url}/terraform/v1/modules/` }))
      .catch(next);
  };
}

export function archivePath(ns: string, artifact: string, version: string) {
  return `archive/${ns}/${artifact}/${version}.tar.gz`;
}
