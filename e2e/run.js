/*
 * Runs the browser tests with node's test runner and writes a TAP copy of the results that
 * scripts/portal.js sums up with the unit tests.
 */
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const results = path.join(ROOT, '.data', 'test-results');
fs.mkdirSync(results, { recursive: true });
const files = fs.readdirSync(__dirname).filter(f => f.endsWith('.e2e.test.js')).map(f => path.join(__dirname, f));
const res = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${path.join(results, 'e2e.tap')}`,
    ...files,
  ],
  { stdio: 'inherit', cwd: ROOT },
);
process.exit(res.status ?? 1);
