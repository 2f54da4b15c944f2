#!/usr/bin/env node
/*
 * The published package is the single-file build and nothing else: `prepack` builds it and
 * swaps package.json for a manifest whose `bin` is the bundle and that has no dependencies at
 * all (the monorepo's workspace:^ packages are compiled into the file); `postpack` puts the
 * workspace manifest back. Backstage's own `backstage-cli package prepack/postpack` swap the
 * manifest the same way.
 *
 *   node scripts/packManifest.js prepack | postpack
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { writeBundle } = require('./buildBundle');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const MANIFEST = path.join(PACKAGE_DIR, 'package.json');
const BACKUP = path.join(PACKAGE_DIR, 'package.json.workspace');

/** The manifest a registry gets: no dependencies, the bundle as the bin. */
function publishedManifest(workspace) {
  return {
    name: workspace.name,
    version: workspace.version,
    description: workspace.description,
    license: workspace.license,
    bin: { 'butler-gitops': 'dist-bundle/butler-gitops.mjs' },
    files: ['dist-bundle', 'README.md'],
    engines: { node: '>=20' },
    // Yarn runs `postpack` from the manifest it packed: this one must bring the workspace's back
    scripts: { postpack: workspace.scripts.postpack },
    ...(workspace.publishConfig && { publishConfig: workspace.publishConfig }),
  };
}

async function prepack() {
  if (fs.existsSync(BACKUP)) {
    throw new Error(
      `${BACKUP} exists: run "postpack" first (an earlier pack was interrupted)`,
    );
  }
  await writeBundle();
  const workspace = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  fs.copyFileSync(MANIFEST, BACKUP);
  fs.writeFileSync(
    MANIFEST,
    `${JSON.stringify(publishedManifest(workspace), null, 2)}\n`,
  );
}

function postpack() {
  if (fs.existsSync(BACKUP)) fs.renameSync(BACKUP, MANIFEST);
}

module.exports = { publishedManifest };

if (require.main === module) {
  const step = process.argv[2];
  const run = { prepack, postpack }[step];
  if (!run) {
    process.stderr.write('usage: packManifest.js prepack | postpack\n');
    process.exit(2);
  }
  Promise.resolve(run()).catch(error => {
    process.stderr.write(`packManifest ${step}: ${error.message}\n`);
    process.exitCode = 1;
  });
}
