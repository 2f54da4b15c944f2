/*
 * Test support: runs the real CLI on throw-away checkouts. By default in-process, from the
 * sources. With BUTLER_GITOPS_BUNDLE=<file> (`yarn test:bundle`), every run spawns
 * `node <file> ...args` instead, so the same suite checks the single-file build.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../main';

// Test support only, never part of a build, so the source location is the repository's.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const REPO_LAYOUTS = path.join(REPO_ROOT, 'repo-layouts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The single-file build the suite runs against, when BUTLER_GITOPS_BUNDLE names one. */
export const BUNDLE = process.env.BUTLER_GITOPS_BUNDLE
  ? path.resolve(
      // relative to the package, as `yarn test:bundle` names it; test support only
      // eslint-disable-next-line no-restricted-syntax
      path.join(__dirname, '../..'),
      process.env.BUTLER_GITOPS_BUNDLE,
    )
  : undefined;

/** Runs `node <bundle> ...args` in `cwd`: only Node and the file, no node_modules involved. */
export function runFile(
  file: string,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      cwd,
      // NODE_OPTIONS of the test runner (transforms, inspectors) must not leak into the CLI
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', text => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', text => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs `butler-gitops ...args` in `cwd` and collects what it writes. */
export async function runInDir(
  cwd: string,
  ...args: string[]
): Promise<CliRun> {
  if (BUNDLE) {
    return runFile(BUNDLE, cwd, args);
  }
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'butler-gitops', ...args], {
    cwd,
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** A temporary directory to write a checkout into; `remove()` in afterEach. */
export function tempCheckout(prefix: string) {
  const dir = fs.mkdtempSync(
    path.join(os.tmpdir(), `butler-gitops-${prefix}-`),
  );
  return {
    dir,
    write(file: string, text: string) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    },
    run: (...args: string[]) => runInDir(dir, ...args),
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const WORKSPACE_YAML = `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: alice-dev
  namespace: team-a
spec:
  owner: alice@example.com
  clusterRef:
    name: team-a-dev
  image: golang:1.23
`;

export const PIPELINE_YAML = `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: logs
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    in:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: console
      inputs: [in]
      options:
        encoding:
          codec: json
`;
