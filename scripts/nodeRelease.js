/*
 * The Node release the toolchain runs when the machine's Node is not 22. scripts/portal.js
 * fetches the npm package node-<platform>-<arch> of this version (binary and headers) with
 * `npm pack`, so from whatever registry npm is configured with, and refuses any tarball whose
 * integrity differs from the one pinned here: a registry (or mirror) serving something else
 * must not get to run code on the machine.
 */
'use strict';

// Node 22 LTS, pinned so that every machine builds native modules against the same headers.
const NODE_VERSION = '22.23.3';

/**
 * `npm view node-<platform>-<arch>@22.23.3 dist.integrity`, per platform the registry publishes.
 * A platform missing here is refused with the command that yields its pin.
 */
const NODE_INTEGRITY = {
  'linux-x64':
    'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  'linux-arm64':
    'sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==',
  'darwin-x64':
    'sha512-V6W/fNXsKFF0DMrBrpLNp9meU45Qbe6tQ3HlzrpdiPWW+zlbmTGou1LE8aGHOghVWXJFexvi7RDCQVQi1I1t8w==',
};

/** The npm package and the integrity it must have on this machine (throws when none is pinned). */
function nodePackage(platform = process.platform, arch = process.arch) {
  const name = `node-${platform}-${arch}`;
  const integrity = NODE_INTEGRITY[`${platform}-${arch}`];
  if (!integrity) {
    throw new Error(
      `no integrity is pinned for ${name}@${NODE_VERSION} in scripts/nodeRelease.js; ` +
        `add the output of \`npm view ${name}@${NODE_VERSION} dist.integrity\` there, or run on Node 22`,
    );
  }
  return { spec: `${name}@${NODE_VERSION}`, integrity };
}

module.exports = { NODE_VERSION, NODE_INTEGRITY, nodePackage };
