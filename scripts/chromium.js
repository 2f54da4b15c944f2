/*
 * The browser the browser tests drive: Debian's chromium (Playwright's own download cannot
 * work offline). `npm test` installs it when it can (root, with apt-get); otherwise it says why
 * the browser tests did not run and carries on, except under CI, where a missing browser fails.
 * e2e/support/browser.js looks at the same places.
 */
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');

function candidates(env = process.env) {
  return [
    env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ].filter(Boolean);
}

function findChromium(env = process.env, exists = fs.existsSync) {
  return candidates(env).find(p => exists(p));
}

function onPath(cmd) {
  return (
    spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status ===
    0
  );
}

/**
 * What to do about the browser, from the facts alone (no side effects):
 * `run` (found), `install` (root with apt-get), `fail` (CI without a way to get one) or `skip`.
 * @param {{ found?: string, isRoot: boolean, hasAptGet: boolean, ci: boolean, looked: string[] }} facts
 * @returns {{ action: 'run' | 'install' | 'fail' | 'skip', reason: string }}
 */
function browserPlan({ found, isRoot, hasAptGet, ci, looked }) {
  if (found) return { action: 'run', reason: `chromium at ${found}` };
  if (isRoot && hasAptGet)
    return {
      action: 'install',
      reason: `no chromium at ${looked.join(
        ', ',
      )}; installing Debian's chromium with apt-get`,
    };
  const why = `no chromium at ${looked.join(', ')} (CHROMIUM_PATH), and ${
    hasAptGet
      ? 'installing it needs root (apt-get install chromium)'
      : 'no apt-get to install it with'
  }`;
  return ci
    ? { action: 'fail', reason: `${why}; CI requires the browser tests` }
    : { action: 'skip', reason: why };
}

/**
 * Makes sure a chromium is there, installing it where possible. `ci`: a missing browser is fatal.
 * @returns {{ ok: true, path: string } | { ok: false, fatal: boolean, reason: string }}
 */
function ensureChromium({
  env = process.env,
  ci = false,
  log = () => {},
} = {}) {
  const looked = candidates(env);
  const plan = browserPlan({
    found: findChromium(env),
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    hasAptGet: onPath('apt-get'),
    ci,
    looked,
  });
  if (plan.action === 'run') return { ok: true, path: findChromium(env) };
  if (plan.action !== 'install')
    return { ok: false, fatal: plan.action === 'fail', reason: plan.reason };
  log(plan.reason);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const res = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnv });
    if (res.status !== 0) {
      const reason = `\`apt-get ${args.join(' ')}\` failed (exit ${
        res.status ?? res.error?.message
      }), so no chromium`;
      return {
        ok: false,
        fatal: ci,
        reason: ci ? `${reason}; CI requires the browser tests` : reason,
      };
    }
  }
  const found = findChromium(env);
  if (found) return { ok: true, path: found };
  return {
    ok: false,
    fatal: ci,
    reason: `apt-get installed chromium but none is at ${looked.join(', ')}`,
  };
}

module.exports = { browserPlan, ensureChromium, findChromium, candidates };
