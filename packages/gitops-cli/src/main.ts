/*
 * The command line: `butler-gitops validate` and `butler-gitops render`. Everything goes
 * through `runCli` with an explicit IO, so tests run the real program in-process.
 */
import { Command, CommanderError, Option } from 'commander';
import packageJson from '../package.json';
import { UsageError } from './errors';
import {
  runValidate,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './commands/validate';
import { runRender } from './commands/render';
import type { CliIo } from './io';
import { EXIT_OK, EXIT_USAGE } from './exitCodes';

function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs the CLI on `argv` (as in process.argv: node, script, args...) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('butler-gitops')
    .description(
      'Validate and render a Butler Portal GitOps repository, with no portal running.',
    )
    .version(packageJson.version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: text => io.stdout(text),
      writeErr: text => io.stderr(text),
    })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description(
      'Check resource files against the JSON Schemas and the repo layout. Directories are ' +
        'searched recursively; YAML under the kind folders (workspaces/, pipelines/, ...) and ' +
        'any YAML declaring a known kind is checked. Exit 0 when all are valid, 1 otherwise.',
    )
    .argument('[paths...]', 'files or directories', ['.'])
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(OUTPUT_FORMATS)
        .default('human'),
    )
    .option(
      '--changed-since <rev>',
      'check only the files changed since <rev> (its merge base with HEAD; uncommitted and ' +
        'untracked files count) and the files that refer to them',
    )
    .option(
      '--source <repository=path>',
      'Keeper: a local clone of a source repository (named by its portal repository id or git ' +
        'URL), so that each ArtifactVersion pinning a commit in it is checked: the commit ' +
        'exists and holds a module (*.tf), a chart whose Chart.yaml version is the record\'s, ' +
        'or .rego files (repeatable; sources not given are not checked)',
      collectRepeated,
      [],
    )
    .option(
      '--fetch-archives',
      'Keeper: download each chart or bundle archive a version pins and check its sha256',
    )
    .action(
      async (
        paths: string[],
        options: {
          format: OutputFormat;
          changedSince?: string;
          source: string[];
          fetchArchives?: boolean;
        },
      ) => {
        exitCode = await runValidate(paths, options, io);
      },
    );

  program
    .command('render')
    .description(
      'Print what the reconciler would apply from a checkout: a multi-document YAML stream ' +
        'sorted by kind/namespace/name, each object labelled as managed by the portal. ' +
        'Nothing is printed and the exit code is 1 when any file is invalid.',
    )
    .argument('[paths...]', 'checkout root(s), files or directories', ['.'])
    .option(
      '-k, --kind <kind>',
      'render only this kind (repeatable; by default every kind the reconciler applies)',
      collectRepeated,
      [],
    )
    .option(
      '--vector',
      'print the Vector configuration the reconciler delivers for the Pipelines instead: one ' +
        'YAML document per pipeline, the bytes of its file in a Vector config directory',
    )
    .action(
      async (
        paths: string[],
        options: { kind: string[]; vector?: boolean },
      ) => {
        exitCode = await runRender(paths, options.kind, io, {
          vector: options.vector,
        });
      },
    );

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; everything else is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr(`butler-gitops: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
