/*
 * The served CLI: through the whole plugin without sign-in, its bytes are those of the build
 * script run on its own (a separate process, so the build is also shown to be deterministic),
 * its ETag answers 304, and the file runs on plain Node. The 503 and 404 answers beside it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { startPortal } from '../__testUtils__/startTestPortal';
import {
  CLI_BUILD_COMMAND,
  createCliRoutes,
  findPortalRoot,
  ifNoneMatchHits,
  repositoryCliBundle,
} from './cliRoutes';
import { errorResponses } from './errorResponses';

// builds the bundle twice (in the portal and in a child process) on a shared 2-core machine
jest.setTimeout(300_000);

const ROOT = findPortalRoot()!;
const BUILD_SCRIPT = path.join(
  ROOT,
  'packages/gitops-cli/scripts/buildBundle.js',
);

function run(file: string, args: string[], cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>(
    resolve => {
      execFile(
        process.execPath,
        [file, ...args],
        // plain node: none of the test runner's NODE_OPTIONS
        { cwd, env: { PATH: process.env.PATH } },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
      );
    },
  );
}

/** the routes alone, with the status Backstage's error handler gives the errors they throw */
function appWith(options: Parameters<typeof createCliRoutes>[0]) {
  const statuses: Record<string, number> = {
    NotFoundError: 404,
    ServiceUnavailableError: 503,
  };
  return express()
    .use('/cli', createCliRoutes(options))
    .use(errorResponses)
    .use(((error, _req, res, _next) => {
      res.status(statuses[error.name] ?? 500);
      res.json({ error: { name: error.name, message: error.message } });
    }) as express.ErrorRequestHandler);
}

describe('GET /api/gitops/cli/butler-gitops.mjs', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-cli-route-'));
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the build output without sign-in, with a strong ETag that answers 304', async () => {
    const { server } = await startPortal();
    const api = request(server);
    const [served, built] = await Promise.all([
      api
        .get('/api/gitops/cli/butler-gitops.mjs')
        .buffer(true)
        .parse((res, callback) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => callback(null, Buffer.concat(chunks)));
        }),
      run(BUILD_SCRIPT, ['--out', path.join(tmp, 'built.mjs')], ROOT),
    ]);
    expect(built).toMatchObject({ code: 0, stderr: '' });
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    const bytes = served.body as Buffer;
    expect(bytes.equals(fs.readFileSync(path.join(tmp, 'built.mjs')))).toBe(
      true,
    );
    const etag = served.headers.etag;
    expect(etag).toMatch(/^"sha256-[0-9a-f]{64}"$/);
    expect(built.stdout).toContain(etag.slice(8, -1));
    const { version } = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
    );
    expect(served.headers['x-butler-portal-version']).toBe(version);

    const revalidated = await api
      .get('/api/gitops/cli/butler-gitops.mjs')
      .set('If-None-Match', `"other", W/${etag}`);
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.etag).toBe(etag);
    const changed = await api
      .get('/api/gitops/cli/butler-gitops.mjs')
      .set('If-None-Match', '"sha256-0000"');
    expect(changed.status).toBe(200);

    // what `curl ... | node - --version` gets: a file that runs on Node alone
    fs.writeFileSync(path.join(tmp, 'served.mjs'), bytes);
    const cliVersion = JSON.parse(
      fs.readFileSync(
        path.join(ROOT, 'packages/gitops-cli/package.json'),
        'utf8',
      ),
    ).version;
    expect(await run(path.join(tmp, 'served.mjs'), ['--version'], tmp)).toEqual(
      { code: 0, stdout: `${cliVersion}\n`, stderr: '' },
    );
  });

  it('answers 503 naming the build command when the file is neither built nor buildable', async () => {
    const app = appWith({ bundle: async () => undefined });
    const response = await request(app).get('/cli/butler-gitops.mjs');
    expect(response.status).toBe(503);
    expect(response.body.error.message).toContain(CLI_BUILD_COMMAND);
  });

  it('answers 404 for any other file, however the name is encoded', async () => {
    const bundle = jest.fn(async () => ({
      contents: Buffer.from('x'),
      sha256: 'ab',
    }));
    const app = appWith({ bundle, portalVersion: '1.2.3' });
    for (const url of [
      '/cli/butler-gitops.js',
      '/cli/..%2Fpackage.json',
      '/cli/%2e%2e/%2e%2e/package.json',
      '/cli/butler-gitops.mjs/x',
    ]) {
      expect((await request(app).get(url)).status).toBe(404);
    }
    expect(bundle).not.toHaveBeenCalled();
    const ok = await request(app).get('/cli/butler-gitops.mjs');
    expect(ok.status).toBe(200);
    expect(ok.headers['x-butler-portal-version']).toBe('1.2.3');
  });
});

describe('repositoryCliBundle', () => {
  it('serves the file the build wrote where it cannot build, and looks again until there is one', async () => {
    // a "portal repository" with the package but neither the build script nor esbuild
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-cli-root-'));
    try {
      const dir = path.join(root, 'packages/gitops-cli');
      fs.mkdirSync(path.join(dir, 'dist-bundle'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), '{}');
      const source = repositoryCliBundle(root);
      expect(await source()).toBeUndefined();
      fs.writeFileSync(path.join(dir, 'dist-bundle/butler-gitops.mjs'), 'ok');
      expect(await source()).toEqual({
        contents: Buffer.from('ok'),
        // printf ok | sha256sum
        sha256:
          '2689367b205c16ce32ed4200942b8b8b1e262dfc70d9bc9fbc77c49699a4f1df',
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('ifNoneMatchHits', () => {
  it('compares weakly, as If-None-Match asks, and takes lists and *', () => {
    expect(ifNoneMatchHits('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b" , "a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('*', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchHits('a', '"a"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"a"')).toBe(false);
  });
});
