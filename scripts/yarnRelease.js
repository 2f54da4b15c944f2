/*
 * The Yarn release the toolchain runs. It is not committed: scripts/portal.js fetches the
 * @yarnpkg/cli-dist package of this version with `npm pack` (so from whatever registry npm is
 * configured with), checks it against the integrity below, and keeps its bundle in .tools/.
 * Shared by scripts/portal.js and the browser tests, which start the portal with it.
 */
'use strict';

const path = require('path');

const YARN_VERSION = '4.13.0';
/** `npm pack --json` integrity of @yarnpkg/cli-dist@4.13.0: a different tarball is refused */
const YARN_INTEGRITY =
  'sha512-c0YdSja652OezJqFnz9+pZwKfKAiBu2aRPJiHPU73sirTGgvQRTyaS5Y6PQHAmmaoa3RjCY6f3L2q9g8S/urqw==';
/** where the bundle lives once fetched; .yarnrc.yml's yarnPath names the same file */
const YARN_RELEASE = path.resolve(__dirname, '..', '.tools', `yarn-${YARN_VERSION}`, 'yarn.js');

module.exports = { YARN_VERSION, YARN_INTEGRITY, YARN_RELEASE };
