#!/usr/bin/env node
/*
 * The single-file build of `butler-gitops`: one ES module (dist-bundle/butler-gitops.mjs) that
 * runs on Node >= 20 with no node_modules, with the schemas, the rules and Ajv validators
 * compiled ahead of time (Ajv standalone code) built in.
 *
 *   node packages/gitops-cli/scripts/buildBundle.js            writes dist-bundle/butler-gitops.mjs
 *   node packages/gitops-cli/scripts/buildBundle.js --check    builds in memory, prints size and hash
 *
 * Plain CommonJS on purpose: it runs with plain `node` (prepack, CI, the portal's backend when it
 * builds the file on demand) without a TypeScript transform; esbuild compiles the sources.
 *
 * The output is deterministic: same sources, same bytes (paths in it are relative to the
 * repository root, the precompiled validators are generated in $id order, no timestamps), so the
 * portal can use its hash as an ETag and two portals at one commit serve the same file.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
const ENTRY = path.join(PACKAGE_DIR, 'src', 'index.ts');
const PRECOMPILE_ENTRY = path.join(
  PACKAGE_DIR,
  'scripts',
  'precompiledValidatorsSource.ts',
);
/** where the build writes; the portal serves this file (plugins/gitops-backend cliRoutes.ts) */
const OUT_FILE = path.join(PACKAGE_DIR, 'dist-bundle', 'butler-gitops.mjs');

/**
 * Modules that hold validators to be replaced by precompiled ones. gitops-common's is the only
 * one today; another package with schemas of its own (e.g. pipeline-common) adds its module here
 * and its schemas to precompiledValidatorsSource().
 */
const PRECOMPILED_MODULES = [
  /[\\/]plugins[\\/]gitops-common[\\/]src[\\/]validation[\\/]precompiledValidators\.ts$/,
];

/**
 * The npm packages the portal's sources may bring into the CLI (their own dependencies follow).
 * Any other package a workspace source imports is left out of the build: the CLI must not carry
 * the reconciler's database and cluster clients (knex, @kubernetes/client-node) or the backend
 * framework that the packages' indexes also export. Left out is only safe for code the CLI never
 * reaches, so the build fails if the output still imports such a package.
 */
const BUNDLED_PACKAGES = new Set([
  '@backstage/errors',
  'ajv',
  'ajv-formats',
  'commander',
  'yaml',
]);

/** Runs at the top of the bundle: CommonJS dependencies (commander) require Node built-ins. */
const BANNER = [
  '#!/usr/bin/env node',
  '// butler-gitops: single-file build of @butler-portal/gitops-cli (scripts/buildBundle.js)',
  "import { createRequire as __butlerCreateRequire } from 'node:module';",
  'const require = __butlerCreateRequire(import.meta.url);',
  // where validation workers start from (src/check/validateInParallel.ts)
  'const __butlerBundleUrl = import.meta.url;',
].join('\n');

function loadEsbuild() {
  try {
    // the repository's root devDependency: the build runs in the portal repository only
    // eslint-disable-next-line @backstage/no-undeclared-imports
    return require('esbuild');
  } catch (error) {
    throw new Error(
      `esbuild is not installed (a devDependency of the portal repository): ${error.message}`,
    );
  }
}

/** Compiles scripts/precompiledValidatorsSource.ts in memory and runs it. */
async function generatePrecompiledValidators(esbuild) {
  const result = await esbuild.build({
    entryPoints: [PRECOMPILE_ENTRY],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    metafile: true,
    plugins: [workspaceSourcesPlugin()],
  });
  assertNoExternalImports(result.metafile);
  const code = result.outputFiles[0].text;
  const filename = path.join(PACKAGE_DIR, 'scripts', '[precompile].js');
  const generator = new Module(filename);
  generator.filename = filename;
  generator.paths = Module._nodeModulePaths(path.dirname(filename));
  generator._compile(code, filename);
  return generator.exports.precompiledValidatorsSource();
}

/** Swaps the validator modules for the generated standalone code. */
function precompiledPlugin(source) {
  return {
    name: 'butler-precompiled-validators',
    setup(build) {
      build.onLoad({ filter: /precompiledValidators\.ts$/ }, args => {
        if (!PRECOMPILED_MODULES.some(pattern => pattern.test(args.path))) {
          return undefined;
        }
        // resolveDir: the generated code requires ajv's runtime helpers and ajv-formats
        return {
          contents: source,
          loader: 'js',
          resolveDir: path.dirname(require.resolve('ajv/package.json')),
        };
      });
    },
  };
}

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBare(specifier) {
  return !/^(\.|\/|[A-Za-z]:[\\/]|node:)/.test(specifier);
}

/**
 * Two rules for the portal's own sources (plugins/*, packages/*):
 * - they are written without top-level side effects, but their manifests do not say so
 *   (`sideEffects: false`); saying it here lets esbuild drop every module whose exports the CLI
 *   does not use. Importing desiredState from reconciler-node's index then brings desiredState,
 *   not the Reconciler with its store and Kubernetes target;
 * - a package they import that is not in BUNDLED_PACKAGES is marked external, so it is not even
 *   parsed (@kubernetes/client-node alone is 15 MB); assertNoExternalImports() checks that
 *   nothing of it is reached.
 */
function workspaceSourcesPlugin() {
  const isWorkspaceSource = file => {
    const relative = path.relative(REPO_ROOT, file).split(path.sep);
    return (
      (relative[0] === 'plugins' || relative[0] === 'packages') &&
      relative[2] === 'src'
    );
  };
  return {
    name: 'butler-workspace-sources',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async args => {
        if (args.kind === 'entry-point' || args.pluginData?.resolving) {
          return undefined;
        }
        const fromSource = args.importer && isWorkspaceSource(args.importer);
        if (
          fromSource &&
          isBare(args.path) &&
          !Module.isBuiltin(args.path) &&
          !args.path.startsWith('@butler-portal/') &&
          !BUNDLED_PACKAGES.has(packageNameOf(args.path))
        ) {
          return { path: args.path, external: true, sideEffects: false };
        }
        const result = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { resolving: true },
        });
        if (result.errors.length > 0 || result.external) return undefined;
        if (!isWorkspaceSource(result.path)) return undefined;
        return { path: result.path, sideEffects: false };
      });
    },
  };
}

/** The output may import Node's built-ins only: everything else must be in the file. */
function assertNoExternalImports(metafile) {
  const external = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !Module.isBuiltin(imported.path)) {
        external.add(imported.path);
      }
    }
  }
  if (external.size > 0) {
    throw new Error(
      `the butler-gitops bundle would import ${[...external]
        .sort()
        .join(', ')} at run time. ` +
        'Either the CLI reaches code it should not (import the pure module by its own path), ' +
        'or the package belongs in the CLI: add it to BUNDLED_PACKAGES in scripts/buildBundle.js',
    );
  }
}

/**
 * Builds the bundle in memory.
 *
 * @returns `{ contents: Buffer, sha256: string, bytes: number }`
 */
async function buildBundle() {
  const esbuild = loadEsbuild();
  const precompiled = await generatePrecompiledValidators(esbuild);
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    absWorkingDir: REPO_ROOT,
    outfile: OUT_FILE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // whitespace and syntax only: names stay readable in a stack trace of a bug report
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    charset: 'utf8',
    banner: { js: BANNER },
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [workspaceSourcesPlugin(), precompiledPlugin(precompiled)],
  });
  assertNoExternalImports(result.metafile);
  const output = result.outputFiles.find(f => f.path.endsWith('.mjs'));
  const contents = Buffer.from(output.contents);
  return {
    contents,
    bytes: contents.length,
    sha256: crypto.createHash('sha256').update(contents).digest('hex'),
  };
}

/** Builds and writes dist-bundle/butler-gitops.mjs (only when its bytes change). */
async function writeBundle(outFile = OUT_FILE) {
  const bundle = await buildBundle();
  const current = fs.existsSync(outFile) ? fs.readFileSync(outFile) : undefined;
  if (!current || !current.equals(bundle.contents)) {
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    const temporary = `${outFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, bundle.contents, { mode: 0o755 });
    // atomic: a portal serving the file never reads half of it
    fs.renameSync(temporary, outFile);
  }
  return { ...bundle, file: outFile };
}

module.exports = {
  buildBundle,
  writeBundle,
  workspaceSourcesPlugin,
  OUT_FILE,
  REPO_ROOT,
};

if (require.main === module) {
  const check = process.argv.includes('--check');
  const outIndex = process.argv.indexOf('--out');
  const outFile =
    outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : OUT_FILE;
  const started = Date.now();
  (check ? buildBundle() : writeBundle(outFile)).then(
    bundle => {
      const where = bundle.file
        ? path.relative(process.cwd(), bundle.file)
        : '(not written)';
      process.stdout.write(
        `${where}: ${bundle.bytes} bytes, sha256 ${bundle.sha256}, ${
          Date.now() - started
        } ms\n`,
      );
    },
    error => {
      process.stderr.write(`buildBundle: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
