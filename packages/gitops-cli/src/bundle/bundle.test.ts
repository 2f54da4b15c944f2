/*
 * The single-file build itself: deterministic, every kind's validator precompiled into it, and
 * reporting what the sources report on gitops-common's whole invalid corpus (the precompiled
 * validators against the ones Ajv compiles at run time). `yarn test:bundle` runs the CLI's
 * whole suite against the file as well.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KIND_SCHEMAS } from '@butler-portal/plugin-gitops-common';
import { runFile, runInDir } from '../testing/cliHarness';

// plain CommonJS scripts of this package
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateRepository } = require('../../scripts/benchmark.js');

jest.setTimeout(240_000);

// plain CommonJS build script of this package
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildBundle } = require('../../scripts/buildBundle.js');

const INVALID_CORPUS = path.join(
  path.dirname(
    require.resolve('@butler-portal/plugin-gitops-common/package.json'),
  ),
  'src/validation/__fixtures__/invalid',
);

describe('the single-file build', () => {
  let tmp: string;
  let file: string;
  let first: { contents: Buffer; sha256: string };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-bundle-'));
    first = await buildBundle();
    file = path.join(tmp, 'butler-gitops.mjs');
    fs.writeFileSync(file, first.contents);
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is the same bytes on every build', async () => {
    const second = await buildBundle();
    expect(second.sha256).toBe(first.sha256);
    expect(second.contents.equals(first.contents)).toBe(true);
  });

  it('carries a precompiled validator for every kind, so no schema is compiled at start-up', () => {
    const text = first.contents.toString('utf8');
    for (const schema of Object.values(KIND_SCHEMAS) as { $id: string }[]) {
      expect(text).toMatch(
        new RegExp(
          `${JSON.stringify(schema.$id).replace(/[.]/g, '\\.')}:validate\\d+`,
        ),
      );
    }
  });

  it('starts as an ES module on Node alone, from a file and from stdin', async () => {
    const version = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'),
    ).version;
    expect(await runFile(file, tmp, ['--version'])).toEqual({
      code: 0,
      stdout: `${version}\n`,
      stderr: '',
    });
    // `curl ... | node - --version`: Node >= 20.19 / 22.7 detects the module syntax itself;
    // --input-type=module (what the CI jobs pass) works on every Node >= 20
    for (const flags of [['-'], ['--input-type=module', '-']]) {
      const piped = spawnSync(process.execPath, [...flags, '--version'], {
        cwd: tmp,
        input: first.contents,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      });
      expect([piped.status, piped.stdout, piped.stderr]).toEqual([
        0,
        `${version}\n`,
        '',
      ]);
    }
  });

  it('reports exactly what the sources report on the whole invalid corpus', async () => {
    const corpus = path.join(tmp, 'corpus');
    fs.cpSync(INVALID_CORPUS, corpus, { recursive: true });
    const args = [
      'validate',
      '--format',
      'json',
      ...fs.readdirSync(corpus).filter(f => /\.ya?ml$/.test(f)),
    ];
    const [built, sources] = await Promise.all([
      runFile(file, corpus, args),
      runInDir(corpus, ...args),
    ]);
    expect(built.code).toBe(1);
    expect(JSON.parse(built.stdout).summary.invalidFiles).toBeGreaterThan(50);
    expect(built).toEqual(sources);
  });

  it('validates a large repository in 4 threads exactly as in one and as the sources (no worker failing)', async () => {
    const repo = path.join(tmp, 'large');
    generateRepository(repo, 620);
    // problems spread over the batch, so that each thread's share has some
    for (const [changed, from, to] of [
      [
        'workspaces/team-0/ws-0-1.yaml',
        'image: golang:1.23-bookworm',
        'image: 42',
      ],
      [
        'workspaces/team-3/ws-3-60.yaml',
        'owner: ws-3-60@example.com',
        'owner: 7',
      ],
      ['workspace-templates/team-5/tpl-2.yaml', 'scope: team', 'scope: galaxy'],
    ]) {
      const full = path.join(repo, changed);
      fs.writeFileSync(full, fs.readFileSync(full, 'utf8').replace(from, to));
    }
    // a duplicate across the threads' shares: found after the workers answered
    fs.mkdirSync(path.join(repo, 'docs'));
    fs.copyFileSync(
      path.join(repo, 'artifacts/team-0/app-0.yaml'),
      path.join(repo, 'docs/app-0.yaml'),
    );
    const args = ['validate', '--format', 'json'];
    const [one, four, sources] = await Promise.all([
      runFile(file, repo, args, { BUTLER_GITOPS_THREADS: '1' }),
      runFile(file, repo, args, { BUTLER_GITOPS_THREADS: '4' }),
      runInDir(repo, ...args),
    ]);
    expect(JSON.parse(one.stdout).summary).toEqual({
      filesChecked: 621,
      invalidFiles: 4,
    });
    expect(four).toEqual(one);
    expect(one).toEqual(sources);
  });
});
