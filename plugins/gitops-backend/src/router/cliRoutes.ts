/*
 * /cli/butler-gitops.mjs: the single-file build of the `butler-gitops` CLI, without sign-in, so
 * that a pull request's check validates with exactly the rules of the portal it targets:
 *
 *   curl -fsSL $PORTAL/api/gitops/cli/butler-gitops.mjs | node - validate
 *
 * The file is the one packages/gitops-cli/scripts/buildBundle.js produces. Where the portal runs
 * from its repository with the dev dependencies installed (`npm start`), it is built on the
 * first request, in memory, from the sources the portal itself runs (so it cannot be stale) and
 * kept for the life of the process. Elsewhere (a production image without esbuild) the file the
 * build wrote (packages/gitops-cli/dist-bundle/butler-gitops.mjs) is served; with neither, 503
 * says how to build it. The build is deterministic, so the ETag (its SHA-256) is the same on
 * every portal of one version and a client can revalidate with If-None-Match.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import Router from 'express-promise-router';

export const CLI_FILE_NAME = 'butler-gitops.mjs';
/** what the 503 tells an operator to run */
export const CLI_BUILD_COMMAND =
  'node scripts/portal.js yarn workspace @butler-portal/gitops-cli build:bundle';

/** The served file. */
export interface CliBundle {
  contents: Buffer;
  /** hex SHA-256 of `contents`: the ETag */
  sha256: string;
}

/** Where the file comes from; undefined when it is neither built nor buildable here. */
export type CliBundleSource = () => Promise<CliBundle | undefined>;

export interface CliRoutesOptions {
  /** default: {@link repositoryCliBundle} of the portal repository this backend runs from */
  bundle?: CliBundleSource;
  /** sent as X-Butler-Portal-Version; default: the portal repository's package.json version */
  portalVersion?: string;
}

/** The portal repository: the nearest folder above `from` holding packages/gitops-cli. */
export function findPortalRoot(
  from: string = resolvePackagePath('@butler-portal/plugin-gitops-backend'),
): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (
      fs.existsSync(path.join(dir, 'packages', 'gitops-cli', 'package.json'))
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function sha256(contents: Buffer): string {
  return crypto.createHash('sha256').update(contents).digest('hex');
}

/**
 * The bundle of the portal repository at `root`: built in memory by its build script when
 * esbuild is installed, else read from the file the build wrote. The outcome (or the failure)
 * is kept, so the build runs once per process; a failed build, or a file not written yet, is
 * looked for again on the next request.
 */
export function repositoryCliBundle(
  root: string | undefined = findPortalRoot(),
): CliBundleSource {
  let pending: Promise<CliBundle | undefined> | undefined;
  const load = async (): Promise<CliBundle | undefined> => {
    if (!root) return undefined;
    const packageDir = path.join(root, 'packages', 'gitops-cli');
    const script = path.join(packageDir, 'scripts', 'buildBundle.js');
    if (fs.existsSync(script) && canResolve('esbuild', root)) {
      // the build script is plain CommonJS of the portal repository, loaded by its path
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { buildBundle } = require(script);
      const built: { contents: Buffer; sha256: string } = await buildBundle();
      return { contents: built.contents, sha256: built.sha256 };
    }
    const file = path.join(packageDir, 'dist-bundle', CLI_FILE_NAME);
    const contents = await fs.promises.readFile(file).catch(() => undefined);
    return contents && { contents, sha256: sha256(contents) };
  };
  return () => {
    pending ??= load().then(
      bundle => {
        // not built yet: look again next time, an operator may be running the build now
        if (!bundle) pending = undefined;
        return bundle;
      },
      error => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

function canResolve(request: string, from: string): boolean {
  try {
    require.resolve(request, { paths: [from] });
    return true;
  } catch {
    return false;
  }
}

function portalVersionOf(root: string | undefined): string {
  try {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(root ?? '', 'package.json'), 'utf8'),
    );
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * True when an If-None-Match header matches `etag` (weak comparison, as RFC 9110 section
 * 13.1.2 asks for this header: `W/"x"` matches `"x"`).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map(tag => tag.trim().replace(/^W\//, ''))
    .some(tag => tag === opaque);
}

export function createCliRoutes(options: CliRoutesOptions = {}) {
  const root = options.bundle ? undefined : findPortalRoot();
  const bundle = options.bundle ?? repositoryCliBundle(root);
  const portalVersion = options.portalVersion ?? portalVersionOf(root);
  const router = Router();
  router.get(`/${CLI_FILE_NAME}`, async (req, res) => {
    const built = await bundle();
    if (!built) {
      throw new ServiceUnavailableError(
        `butler-gitops is not built in this installation: run "${CLI_BUILD_COMMAND}" in the ` +
          `portal repository (it writes packages/gitops-cli/dist-bundle/${CLI_FILE_NAME})`,
      );
    }
    // strong: the same bytes, byte for byte, on every portal built from the same sources
    const etag = `"sha256-${built.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('X-Butler-Portal-Version', portalVersion);
    // revalidate every time: after an upgrade the next check must get the new rules
    res.setHeader('Cache-Control', 'no-cache');
    if (ifNoneMatchHits(req.header('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.type('text/javascript; charset=utf-8');
    res.setHeader('Content-Length', String(built.contents.length));
    res.end(built.contents);
  });
  router.use((req, _res) => {
    throw new NotFoundError(
      `no CLI file ${JSON.stringify(
        req.path.slice(0, 80),
      )}; the CLI is /${CLI_FILE_NAME}`,
    );
  });
  return router;
}
