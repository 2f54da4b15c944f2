#!/usr/bin/env node
/*
 * The one entry point behind `npm start` and `npm test`.
 *
 * It must run on the Node a newcomer already has (>= 20), with no dependency of its own,
 * and make everything else appear: Node 22 LTS (Backstage 1.55 needs 22 or 24, and Node 24
 * crashes better-sqlite3; a pinned, integrity-checked release, see nodeRelease.js), Yarn 4 (likewise,
 * see yarnRelease.js), and the workspace dependencies with native modules built offline against
 * Node 22's headers.
 *
 *   node scripts/portal.js start        portal on the embedded defaults (:3000 + :7007):
 *                                       app-config.yaml + app-config.embedded.yaml
 *   node scripts/portal.js test         type-check, lint, unit/backend tests (SQLite + PostgreSQL), browser test
 *   node scripts/portal.js yarn <args>  any yarn command with the same toolchain
 *   node scripts/portal.js node <args>  Node 22 with the same environment (benchmark scripts)
 *
 * Re-running is quick: the install is skipped while a fingerprint of the lockfile, the
 * manifests and the Node version is unchanged.
 */
'use strict';

const { spawnSync, spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { ensureChromium } = require('./chromium');
const { fetchPackage } = require('./fetchPackage');
const { withInstallLock } = require('./installLock');
const { NODE_VERSION, nodePackage } = require('./nodeRelease');

const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(ROOT, '.tools');
const DATA = path.join(ROOT, '.data');
const { YARN_VERSION, YARN_INTEGRITY, YARN_RELEASE } = require('./yarnRelease');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** the embedded defaults: `npm start` and the browser tests' portals run on these files */
const EMBEDDED_CONFIG = ['app-config.yaml', 'app-config.embedded.yaml'];

function log(msg) {
  process.stderr.write(`[portal] ${msg}\n`);
}

function fail(msg) {
  log(`error: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (res.error) fail(`${cmd} could not run: ${res.error.message}`);
  return res.status ?? 1;
}

/** Returns { node, nodedir } for a Node 22 runtime, fetching it from the npm registry if needed. */
function ensureNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major === 22 && !process.env.PORTAL_FORCE_TOOLS_NODE) {
    // The running Node is fine; node-gyp finds its headers through the usual channels.
    const nodedir = path.resolve(path.dirname(process.execPath), '..');
    return {
      node: process.execPath,
      nodedir: fs.existsSync(path.join(nodedir, 'include', 'node')) ? nodedir : undefined,
    };
  }
  const dir = path.join(TOOLS, `node-${NODE_VERSION}`);
  const nodeBin = path.join(dir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!fs.existsSync(nodeBin)) {
    const { spec, integrity } = nodePackage();
    log(`Node ${process.versions.node} is running; Backstage 1.55 needs Node 22. Fetching ${spec} (binary and headers) ...`);
    fetchPackage(spec, dir, integrity);
  }
  return { node: nodeBin, nodedir: dir };
}

/** Yarn 4, fetched once into .tools/ (corepack cannot download it on these machines). */
function ensureYarn() {
  if (fs.existsSync(YARN_RELEASE)) return;
  log(`fetching Yarn ${YARN_VERSION} (@yarnpkg/cli-dist) ...`);
  const dir = path.join(TOOLS, `yarn-${YARN_VERSION}-package`);
  fetchPackage(`@yarnpkg/cli-dist@${YARN_VERSION}`, dir, YARN_INTEGRITY);
  const staged = `${YARN_RELEASE}.partial-${process.pid}`;
  fs.mkdirSync(path.dirname(YARN_RELEASE), { recursive: true });
  fs.copyFileSync(path.join(dir, 'bin', 'yarn.js'), staged);
  fs.renameSync(staged, YARN_RELEASE);
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The registry npm is configured with, for Yarn too (Yarn does not read .npmrc): installs come
 * from the same place as the Node and Yarn packages. Undefined when npm cannot say.
 */
function npmRegistry() {
  const res = spawnSync(NPM, ['config', 'get', 'registry'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const url = res.status === 0 ? res.stdout.trim().replace(/\/+$/, '') : '';
  return /^https?:\/\//.test(url) ? url : undefined;
}

function toolchainEnv(tc) {
  const binDir = path.dirname(tc.node);
  const env = {
    ...process.env,
    PATH: [binDir, path.join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter),
    // Native modules (better-sqlite3) compile offline against these headers.
    ...(tc.nodedir ? { npm_config_nodedir: tc.nodedir } : {}),
    // The scaffolder's sandbox (isolated-vm) needs this on Node 20+.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--no-node-snapshot'].filter(Boolean).join(' '),
    YARN_ENABLE_TELEMETRY: '0',
    ...(tc.registry ? { YARN_NPM_REGISTRY_SERVER: tc.registry } : {}),
    // Prebuilt-binary downloads cannot work offline; go straight to the source build.
    npm_config_build_from_source: 'true',
  };
  delete env.npm_config_prefix; // npm sets it when running scripts; it would redirect yarn's global folder
  return env;
}

function yarn(tc, args, opts = {}) {
  return run(tc.node, [YARN_RELEASE, ...args], { env: toolchainEnv(tc), ...opts });
}

function installFingerprint(tc) {
  const h = crypto.createHash('sha256');
  h.update(`${process.platform}-${process.arch}-${spawnSync(tc.node, ['--version'], { encoding: 'utf8' }).stdout}`);
  const files = ['package.json', 'yarn.lock', '.yarnrc.yml'];
  for (const ws of ['packages', 'plugins']) {
    const base = path.join(ROOT, ws);
    if (!fs.existsSync(base)) continue;
    for (const name of fs.readdirSync(base).sort()) {
      const manifest = path.join(ws, name, 'package.json');
      if (fs.existsSync(path.join(ROOT, manifest))) files.push(manifest);
    }
  }
  for (const f of files) {
    const p = path.join(ROOT, f);
    h.update(f);
    if (fs.existsSync(p)) h.update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

function ensureInstall(tc) {
  const stamp = path.join(ROOT, 'node_modules', '.portal-install-stamp');
  const fresh = () => fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === installFingerprint(tc);
  if (fresh()) return;
  withInstallLock(path.join(TOOLS, 'portal-install.lock'), () => {
    if (!fresh()) installNow(tc, stamp);
  }, { log });
}

function installNow(tc, stamp) {
  log('installing workspace dependencies (yarn install) ...');
  const started = Date.now();
  const immutable = process.env.CI ? ['--immutable'] : [];
  if (yarn(tc, ['install', ...immutable]) !== 0) fail('yarn install failed (see above)');
  fs.writeFileSync(stamp, installFingerprint(tc));
  log(`install done in ${Math.round((Date.now() - started) / 1000)} s`);
}

function canConnect(host, port, timeoutMs = 1500) {
  return new Promise(resolve => {
    const s = net.connect({ host, port });
    const done = ok => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Finds the PostgreSQL the backend tests should also run against, or explains why none. */
async function postgresForTests() {
  const explicit = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (explicit) return explicit;
  const host = process.env.PGHOST || '127.0.0.1';
  const port = Number(process.env.PGPORT || 5432);
  if (await canConnect(host, port)) {
    const user = process.env.PGUSER || 'postgres';
    const pw = process.env.PGPASSWORD ? `:${encodeURIComponent(process.env.PGPASSWORD)}` : '';
    return `postgresql://${user}${pw}@${host}:${port}`;
  }
  return undefined;
}

async function test(tc, extra) {
  const env = toolchainEnv(tc);
  // Databases come from connection strings only: tests never start containers.
  env.BACKSTAGE_TEST_DISABLE_DOCKER = '1';
  // `backstage-cli repo test` watches files unless CI is set; npm test must run once and exit.
  env.CI = env.CI || 'true';
  const pg = await postgresForTests();
  if (pg) {
    env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING = pg;
    log(`backend tests run on SQLite and on PostgreSQL at ${pg.replace(/:[^:@/]*@/, ':***@')}`);
  } else if (process.env.CI) {
    fail('CI must test on PostgreSQL, but none answers on 127.0.0.1:5432 (start it: pg_ctlcluster ... main start)');
  } else {
    log('NOTE: no PostgreSQL found on 127.0.0.1:5432 (set PGHOST/PGPORT or BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING); backend tests run on SQLite only.');
  }
  const results = path.join(DATA, 'test-results');
  fs.rmSync(results, { recursive: true, force: true });
  fs.mkdirSync(results, { recursive: true });
  const jestJson = path.join(results, 'jest.json');
  const steps = [
    ['type-check', ['tsc']],
    ['lint', ['backstage-cli', 'repo', 'lint']],
    ['unit', ['backstage-cli', 'repo', 'test', '--ci', '--json', `--outputFile=${jestJson}`, ...extra]],
    ['browser', ['node', 'e2e/run.js']],
  ];
  const only = process.env.PORTAL_TEST_ONLY?.split(',');
  const failed = [];
  const notes = [];
  for (const [name, args] of steps) {
    if (only && !only.includes(name)) continue;
    if (name === 'browser') {
      // Debian's chromium, installed here when possible (root with apt-get); without one the
      // browser tests are skipped with the reason, except under CI, where that is a failure.
      const browser = ensureChromium({ ci: Boolean(process.env.CI), log });
      if (!browser.ok && browser.fatal) {
        log(`== browser: FAILED: ${browser.reason}`);
        failed.push(`browser (${browser.reason})`);
        continue;
      }
      if (!browser.ok) {
        notes.push(`browser tests SKIPPED: ${browser.reason}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH to run them.`);
        log(`== browser: ${notes[notes.length - 1]}`);
        continue;
      }
      env.CHROMIUM_PATH = browser.path;
    }
    log(`== ${name}: yarn ${args.join(' ')}`);
    const code = run(tc.node, [YARN_RELEASE, ...args], { env });
    if (code !== 0) failed.push(`${name} (exit ${code})`);
  }
  const counts = summarizeTests(jestJson, path.join(results, 'e2e.tap'));
  if (failed.length) log(`failed steps: ${failed.join(', ')}`);
  for (const note of notes) log(note);
  // One closing line that adds up every test runner, so the run ends with its summary.
  process.stdout.write(`summary: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  process.exit(failed.length || counts.failed ? 1 : 0);
}

/** Adds up jest's JSON report and node:test's TAP report. */
function summarizeTests(jestJson, e2eTap) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (fs.existsSync(jestJson)) {
    const j = JSON.parse(fs.readFileSync(jestJson, 'utf8'));
    counts.passed += j.numPassedTests;
    counts.failed += j.numFailedTests + (j.numRuntimeErrorTestSuites || 0);
    counts.skipped += j.numPendingTests + j.numTodoTests;
  }
  if (fs.existsSync(e2eTap)) {
    const tap = fs.readFileSync(e2eTap, 'utf8');
    const num = key => Number((new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap) || [])[1] || 0);
    counts.passed += num('pass');
    counts.failed += num('fail') + num('cancelled');
    counts.skipped += num('skipped') + num('todo');
  }
  return counts;
}

function start(tc) {
  // The embedded defaults keep all their state here (see app-config.embedded.yaml); Backstage
  // expects the folders to exist.
  for (const sub of ['sqlite', 'work']) fs.mkdirSync(path.join(DATA, sub), { recursive: true });
  log('starting the portal on the embedded defaults: app http://localhost:3000, backend http://localhost:7007, state in .data/');
  const configs = EMBEDDED_CONFIG.flatMap(file => ['--config', path.join(ROOT, file)]);
  const child = spawn(tc.node, [YARN_RELEASE, 'backstage-cli', 'repo', 'start', ...configs], {
    cwd: ROOT,
    env: toolchainEnv(tc),
    stdio: 'inherit',
  });
  const forward = sig => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', code => process.exit(code ?? 1));
}

async function main() {
  const [cmd = 'start', ...rest] = process.argv.slice(2);
  const tc = { ...ensureNode(), registry: npmRegistry() };
  ensureYarn();
  ensureInstall(tc);
  switch (cmd) {
    case 'start':
      return start(tc);
    case 'test':
      return test(tc, rest);
    case 'install':
      return undefined;
    case 'yarn':
      process.exit(yarn(tc, rest));
    // eslint-disable-next-line no-fallthrough
    case 'node':
      process.exit(run(tc.node, rest, { env: toolchainEnv(tc) }));
    // eslint-disable-next-line no-fallthrough
    default:
      fail(`unknown command "${cmd}" (start | test | install | yarn <args> | node <args>)`);
  }
  return undefined;
}

// the toolchain's own errors (a refused integrity, an unreachable registry) are sentences;
// PORTAL_DEBUG=1 shows where they came from
main().catch(e => fail((process.env.PORTAL_DEBUG && e.stack) || e.message || String(e)));
