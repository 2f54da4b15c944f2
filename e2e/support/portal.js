/*
 * Starts a whole portal (backend + frontend dev server) for browser tests, on free ports, with
 * its state in its own folder under .data/e2e/, so a test never touches a developer's portal.
 */
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { YARN_RELEASE } = require('../../scripts/yarnRelease');

const ROOT = path.resolve(__dirname, '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what, fn, { timeoutMs, child, logFile }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`portal exited (code ${child.exitCode}) before ${what}; log: ${logFile}\n${tail(logFile)}`);
    }
    try {
      if (await fn()) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log: ${logFile}\n${tail(logFile)}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * @param {{ name: string, extraConfig?: string, timeoutMs?: number }} opts
 * @returns {Promise<{ appUrl: string, backendUrl: string, dataDir: string, logFile: string, stop: () => Promise<void> }>}
 */
async function startPortal({ name, extraConfig = '', timeoutMs = 180000 }) {
  const dataDir = path.join(ROOT, '.data', 'e2e', `${name}-${process.pid}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const sub of ['sqlite', 'work']) fs.mkdirSync(path.join(dataDir, sub), { recursive: true });
  const [appPort, backendPort] = [await freePort(), await freePort()];
  const appUrl = `http://localhost:${appPort}`;
  const backendUrl = `http://localhost:${backendPort}`;
  const configFile = path.join(dataDir, 'app-config.e2e.yaml');
  fs.writeFileSync(
    configFile,
    `# written by e2e/support/portal.js
app:
  baseUrl: ${appUrl}
backend:
  baseUrl: ${backendUrl}
  listen:
    port: ${backendPort}
  cors:
    origin: ${appUrl}
  database:
    connection:
      directory: ${path.join(dataDir, 'sqlite')}
  workingDirectory: ${path.join(dataDir, 'work')}
butlerPortal:
  dataDir: ${dataDir}
${extraConfig}`,
  );
  const logFile = path.join(dataDir, 'portal.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    // the embedded defaults (app-config.yaml + app-config.embedded.yaml, as `npm start`), then this portal's own
    [YARN_RELEASE, 'backstage-cli', 'repo', 'start', '--config', path.join(ROOT, 'app-config.yaml'), '--config', path.join(ROOT, 'app-config.embedded.yaml'), '--config', configFile],
    { cwd: ROOT, env: { ...process.env, BROWSER: 'none' }, stdio: ['ignore', log, log], detached: true },
  );
  const stop = async () => {
    if (child.exitCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const exited = new Promise(r => child.once('exit', r));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor('backend readiness', async () => (await fetch(`${backendUrl}/.backstage/health/v1/readiness`)).ok, { timeoutMs, child, logFile });
    await waitFor('frontend dev server', async () => (await fetch(appUrl)).ok, { timeoutMs, child, logFile });
  } catch (e) {
    await stop();
    throw e;
  }
  return { appUrl, backendUrl, dataDir, logFile, stop };
}

module.exports = { startPortal, freePort };
