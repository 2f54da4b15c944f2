/*
 * Checks a manifest the way the portal does, for browser tests that assert what reached Git or
 * a sync target.
 */
'use strict';

const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Runs gitops-common's `validate()` — the check the backend, CLI and forms share, with the
 * JSON Schema generated from the Butler CRD — on a manifest, in a child node that loads the
 * TypeScript source with the Backstage CLI's node transform (what `backstage-cli repo start`
 * uses for the backend), so the tests stay plain node.
 * @returns {{ ok: boolean, issues: object[] }}
 */
function validateManifest(text, file) {
  const script = `
    const { validate } = require(${JSON.stringify(path.join(ROOT, 'plugins/gitops-common/src/index.ts'))});
    const text = require('fs').readFileSync(0, 'utf8');
    const { ok, issues } = validate(text, process.env.MANIFEST_FILE);
    process.stdout.write(JSON.stringify({ ok, issues }));
  `;
  const res = spawnSync(process.execPath, ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs'), '-e', script], {
    cwd: ROOT,
    input: text,
    env: { ...process.env, MANIFEST_FILE: file },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`validate() did not run: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

module.exports = { validateManifest };
