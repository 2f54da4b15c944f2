/*
 * A Helm chart repository per namespace, read by the real helm client:
 *
 *   GET /helm/:ns/index.yaml (this router is mounted at /helm)             the merged, non-yanked chart versions with digests
 *   GET /helm/:ns/charts/<name>-<version>.tgz
 *
 * helm parses index.yaml strictly (unknown keys fail `helm repo add`), so Keeper's own metadata
 * goes only under each version's `annotations`. Chart URLs are relative to the repository URL,
 * so helm sends its Basic credentials with them (same host).
 */
import express, { type Response } from 'express';
import Router from 'express-promise-router';
import YAML from 'yaml';
import { ProtocolAccess } from '../auth/ProtocolAccess';
import { notFound, RegistryError } from '../errors';
import { isServed, type VersionEntry } from '../records/RegistryIndex';
import type { Registry } from '../Registry';
import type { RegistryIndex } from '../records/RegistryIndex';
import {
  fetchChartArchive,
  packageGitChart,
  type ChartPackage,
} from './helmCharts';
import { labelParam, versionParam } from './params';
import { cachedBody, sendCached } from './cachedBody';
import { sha256Digest } from '../archive/deterministicTarGz';

/** keys of a chart version helm 3 knows (chart.Metadata + urls, created, removed, digest) */
const METADATA_KEYS = [
  'name',
  'home',
  'sources',
  'version',
  'description',
  'keywords',
  'maintainers',
  'icon',
  'apiVersion',
  'condition',
  'tags',
  'appVersion',
  'kubeVersion',
  'dependencies',
  'type',
];

const STRING_KEYS = ['appVersion', 'kubeVersion', 'apiVersion', 'description'];

export const KEEPER_ANNOTATION = 'keeper.butlerlabs.dev';

export interface HelmRouterOptions {
  registry: Registry;
  access: ProtocolAccess;
  fetchImpl?: typeof fetch;
}

export function helmRouter(options: HelmRouterOptions) {
  const { registry, access } = options;
  const router = Router();

  const chartPackage = async (
    index: RegistryIndex,
    ns: string,
    v: VersionEntry,
  ): Promise<ChartPackage> => {
    const source = v.located.record.spec.source;
    // an archive URL's record already holds its digest: nothing to compute or keep
    if ('chart' in source) return { digest: source.chart.digest };
    if (!('git' in source)) {
      throw new RegistryError(
        502,
        'a chart version needs a git or chart source',
      );
    }
    return registry.derived(
      index,
      `helm-package:${ns}/${v.located.record.metadata.name}`,
      () => packageGitChart(registry.sources, v.located.record),
    );
  };

  router.get('/:ns/index.yaml', async (req, res) => {
    const ns = labelParam(req.params.ns, 'namespace');
    ProtocolAccess.checkNamespace(await access.of(req), ns);
    const index = await registry.index();
    const body = await registry.derived(index, `helm-index:${ns}`, async () => {
      const entries: Record<string, unknown[]> = {};
      for (const artifact of index.inNamespace(ns)) {
        const spec = artifact.located.record.spec;
        if (spec.type !== 'helm-chart') continue;
        const versions: unknown[] = [];
        for (const v of artifact.versions.filter(isServed)) {
          let pkg: ChartPackage;
          try {
            pkg = await chartPackage(index, ns, v);
          } catch {
            // a version whose source is broken is left out of the index, not the whole index
            continue;
          }
          const chart = pkg.chart ?? {};
          const entry: Record<string, unknown> = {
            apiVersion: 'v2',
            ...(spec.description && { description: spec.description }),
            ...(spec.sourceRepository && { sources: [spec.sourceRepository] }),
            ...Object.fromEntries(
              METADATA_KEYS.filter(k => chart[k] !== undefined).map(k => [
                k,
                // helm reads these as strings; `appVersion: 1.27` in YAML is a number
                STRING_KEYS.includes(k) ? String(chart[k]) : chart[k],
              ]),
            ),
            name: artifact.name,
            version: v.version,
            ...(v.state === 'deprecated' && { deprecated: true }),
            annotations: {
              ...((chart.annotations as Record<string, string>) ?? {}),
              [`${KEEPER_ANNOTATION}/record`]: `${v.located.repository}:${v.located.file}`,
              ...(pkg.commit && {
                [`${KEEPER_ANNOTATION}/commit`]: pkg.commit,
              }),
              ...(v.state === 'deprecated' && {
                [`${KEEPER_ANNOTATION}/deprecated`]: v.reason ?? 'deprecated',
              }),
            },
            urls: [`charts/${artifact.name}-${v.version}.tgz`],
            digest: pkg.digest.replace(/^sha256:/, ''),
          };
          versions.push(entry);
        }
        if (versions.length > 0) entries[artifact.name] = versions;
      }
      return cachedBody(
        Buffer.from(YAML.stringify({ apiVersion: 'v1', entries })),
      );
    });
    sendCached(req, res, 'application/x-yaml', body);
  });

  router.get('/:ns/charts/:file', async (req, res) => {
    const ns = labelParam(req.params.ns, 'namespace');
    ProtocolAccess.checkNamespace(await access.of(req), ns);
    const match = /^(.+?)-(\d+\.\d+\.\d+(?:-[0-9a-z.-]+)?)\.tgz$/.exec(
      req.params.file,
    );
    if (!match)
      throw notFound(
        `no chart ${req.params.file}: charts are <name>-<version>.tgz`,
      );
    const name = labelParam(match[1], 'chart name');
    const version = versionParam(match[2]);
    const index = await registry.index();
    const artifact = index.get(ns, name);
    if (!artifact || artifact.located.record.spec.type !== 'helm-chart') {
      throw notFound(`chart ${ns}/${name} not found`);
    }
    const v = artifact.versions.find(x => x.version === version);
    if (!v || !isServed(v))
      throw notFound(`chart ${ns}/${name} has no version ${version}`);
    const source = v.located.record.spec.source;
    let bytes: Buffer;
    if ('chart' in source) {
      // content-addressed: a verified archive is the same for every revision
      bytes = await registry.derived(
        index,
        `helm-archive:${source.chart.digest}`,
        () =>
          fetchChartArchive(
            source.chart.url,
            source.chart.digest,
            options.fetchImpl,
          ),
      );
    } else {
      bytes = (await chartPackage(index, ns, v)).bytes!;
    }
    res.setHeader('Content-Type', 'application/gzip');
    res.setHeader('ETag', `"${sha256Digest(bytes)}"`);
    res.send(bytes);
  });

  const errors: express.ErrorRequestHandler = (
    error,
    _req,
    res: Response,
    next,
  ) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = error instanceof RegistryError ? error.status : 500;
    if (status === 401)
      res.setHeader('WWW-Authenticate', 'Basic realm="Keeper"');
    res
      .status(status)
      .type('text/plain')
      .send(
        `${
          error instanceof RegistryError ? error.message : 'internal error'
        }\n`,
      );
  };
  router.use(errors);
  return router;
}
