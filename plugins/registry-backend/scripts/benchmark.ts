/*
 * Benchmark of Keeper's hot paths (a script, not a test: it prints numbers and asserts nothing).
 *
 *   node ../../scripts/portal.js yarn workspace @butler-portal/plugin-registry-backend benchmark [seconds]
 *
 * One registry with 1,000 Helm charts × 10 versions (namespace `bench`), a Terraform module with
 * 10 versions and an OPA policy, served by the real router (the same code as /api/registry)
 * from in-memory records, next to a plain node http server answering the same bytes from
 * memory. A worker thread drives both with keep-alive connections, so the servers have the main
 * thread to themselves. Printed per path: requests per second of Keeper, of the static server,
 * and their ratio (goal: at least 1/3).
 *
 * Paths: the Terraform versions list (anonymous and with a registry token, one indexed lookup in
 * SQLite), index.yaml of the 1,000 × 10 namespace, and the OPA bundle with If-None-Match (304).
 */
import express from 'express';
import http from 'http';
import type { AddressInfo } from 'net';
import { Worker } from 'worker_threads';
import knexFactory from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import {
  deterministicTarGz,
  sha256Digest,
} from '../src/archive/deterministicTarGz';
import { createRouter } from '../src/createRouter';
import type {
  MergedRecords,
  RecordsSnapshot,
} from '../src/records/MergedRecords';
import { Registry } from '../src/Registry';
import { OpenVersions } from '../src/records/OpenVersions';
import type { SourceContent, SourceReader } from '../src/sources/SourceReader';
import { migrateRegistryDatabase, TokenStore } from '../src/tokens/TokenStore';

const SECONDS = Number(process.argv[2] ?? 3);
const CONCURRENCY = 32;
const COMMIT = 'c'.repeat(40);

function snapshot(): RecordsSnapshot {
  const artifacts: any[] = [];
  const versions: any[] = [];
  const add = (
    ns: string,
    name: string,
    type: string,
    vs: string[],
    source: (v: string) => object,
  ) => {
    artifacts.push({
      repository: 'platform',
      file: `artifacts/${ns}/${name}.yaml`,
      record: {
        apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
        kind: 'Artifact',
        metadata: { name, namespace: ns },
        spec: {
          type,
          owner: 'group:default/team-a',
          description: `The ${name} artifact`,
        },
      },
    });
    for (const v of vs) {
      versions.push({
        repository: 'platform',
        file: `artifact-versions/${ns}/${name}-${v}.yaml`,
        record: {
          apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
          kind: 'ArtifactVersion',
          metadata: { name: `${name}-${v}`, namespace: ns },
          spec: { artifact: name, version: v, source: source(v) },
        },
      });
    }
  };
  const ten = Array.from({ length: 10 }, (_, i) => `1.${i}.0`);
  for (let c = 0; c < 1000; c++) {
    add('bench', `chart-${c}`, 'helm-chart', ten, v => ({
      chart: {
        url: `https://charts.example.com/chart-${c}-${v}.tgz`,
        digest: `sha256:${String(c).padStart(64, '0')}`,
      },
    }));
  }
  const git = (sub: string) => () => ({
    git: {
      repository: 'modules',
      url: 'https://x/modules.git',
      ref: 'main',
      commit: COMMIT,
      subdirectory: sub,
    },
  });
  add(
    'team-a',
    'terraform-aws-vpc',
    'terraform-module',
    ten,
    git('terraform/aws-vpc'),
  );
  add(
    'team-a',
    'opa-baseline',
    'opa-bundle',
    ['1.0.0'],
    git('policies/baseline'),
  );
  return {
    revision: `platform@${COMMIT}`,
    commits: new Map([['platform', COMMIT]]),
    artifacts,
    versions,
    problems: [],
  };
}

class MemoryRecords implements MergedRecords {
  readonly #snapshot = snapshot();
  async current() {
    return this.#snapshot;
  }
  invalidate() {}
}

class MemorySources implements SourceReader {
  async read(): Promise<SourceContent> {
    const files = [
      {
        path: 'keeper/baseline/policy.rego',
        content: Buffer.from(
          'package keeper.baseline\n\ndeny contains "x" if false\n',
        ),
      },
      {
        path: 'keeper/baseline/data.json',
        content: Buffer.from('{"allowed_registries":["ghcr.io/"]}\n'),
      },
      {
        path: 'main.tf',
        content: Buffer.from('resource "null_resource" "x" {}\n'),
      },
    ];
    const archive = await deterministicTarGz(files);
    return {
      repository: 'modules',
      commit: COMMIT,
      files,
      archive,
      digest: sha256Digest(archive),
    };
  }
}

const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const http = require('http');
const { port, path, headers, seconds, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let done = 0, failed = 0, running = true;
const end = Date.now() + seconds * 1000;
function one() {
  if (Date.now() >= end) { running = false; return finish(); }
  const req = http.request({ host: '127.0.0.1', port, path, headers, agent }, res => {
    if (res.statusCode !== 200 && res.statusCode !== 304) failed++;
    res.resume();
    res.on('end', () => { done++; one(); });
  });
  req.on('error', () => { failed++; one(); });
  req.end();
}
let open = concurrency;
function finish() { if (--open === 0) { agent.destroy(); parentPort.postMessage({ done, failed }); } }
for (let i = 0; i < concurrency; i++) one();
`;

function load(port: number, path: string, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        port,
        path,
        headers,
        seconds: SECONDS,
        concurrency: CONCURRENCY,
      },
    });
    worker.on('message', ({ done, failed }) => {
      if (failed > 0) reject(new Error(`${failed} requests to ${path} failed`));
      else resolve(done / SECONDS);
      void worker.terminate();
    });
    worker.on('error', reject);
  });
}

function listen(handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    ),
  );
}

async function main() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const tokens = new TokenStore(
    await migrateRegistryDatabase({ getClient: async () => knex } as any),
  );
  const token = (
    await tokens.create({
      name: 'bench',
      owner: 'user:default/bench',
      namespaces: ['team-a', 'bench'],
    })
  ).token;
  const registry = new Registry({
    records: new MemoryRecords(),
    sources: new MemorySources(),
  });
  const app = express();
  let port = 0;
  app.use(
    '/api/registry',
    createRouter({
      registry,
      openVersions: new OpenVersions({
        repositories: () => [],
        refreshMs: 60_000,
      }),
      tokens,
      config: {
        allowAnonymousRead: true,
        signedUrlTtlSeconds: 300,
        signingSecret: 's'.repeat(32),
        headRefreshSeconds: 30,
      },
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      baseUrl: async () => `http://127.0.0.1:${port}/api/registry`,
    }),
  );
  port = await listen(app);

  const paths = {
    versions: '/api/registry/terraform/v1/modules/team-a/vpc/aws/versions',
    index: '/api/registry/helm/bench/index.yaml',
    bundle: '/api/registry/opa/bundles/team-a/opa-baseline',
  };
  // warm up: each answer is computed once for the merged revision, then served from memory
  const bodies: Record<string, Buffer> = {};
  let etag = '';
  for (const [name, path] of Object.entries(paths)) {
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    bodies[name] = Buffer.from(await res.arrayBuffer());
    if (name === 'bundle') etag = res.headers.get('etag')!;
    console.log(
      `first ${name}: ${Date.now() - started} ms to compute ${
        bodies[name].length
      } bytes`,
    );
  }

  // the static server: the same bytes, from memory, with the same 304 rule for the bundle
  const staticPort = await listen((req, res) => {
    const url = req.url ?? '';
    if (url === paths.bundle && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag });
      res.end();
      return;
    }
    const name = Object.entries(paths).find(([, p]) => p === url)?.[0];
    if (!name) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Length': bodies[name].length });
    res.end(bodies[name]);
  });

  if (process.env.BENCH_HOLD) {
    console.log(`keeper ${port} static ${staticPort}`);
    await new Promise(resolve =>
      setTimeout(resolve, Number(process.env.BENCH_HOLD)),
    );
  }
  const runs: [string, string, Record<string, string>][] = [
    ['terraform versions list', paths.versions, {}],
    [
      'terraform versions list, registry token',
      paths.versions,
      { Authorization: `Bearer ${token}` },
    ],
    ['helm index.yaml (1,000 charts × 10 versions)', paths.index, {}],
    [
      'OPA bundle, If-None-Match → 304',
      paths.bundle,
      { 'If-None-Match': etag },
    ],
  ];
  console.log(
    `\n${SECONDS} s per run, ${CONCURRENCY} keep-alive connections, load from a worker thread\n`,
  );
  console.log('path | Keeper req/s | static req/s | ratio');
  console.log('---- | ------------ | ------------ | -----');
  for (const [label, path, headers] of runs) {
    const keeper = await load(port, path, headers);
    const plain = await load(staticPort, path, headers);
    console.log(
      `${label} | ${keeper.toFixed(0)} | ${plain.toFixed(0)} | ${(
        keeper / plain
      ).toFixed(2)}`,
    );
  }
  await knex.destroy();
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
