/*
 * `butler-gitops`: validate and render a Butler Portal GitOps repository with no portal
 * running, in CI or in a clone.
 */
import { runValidationWorker } from './check/validateInParallel';
import { runCli } from './main';

async function main(): Promise<number | undefined> {
  // the single-file build starts its validation workers from its own file
  if (runValidationWorker()) return undefined;
  return runCli(process.argv, {
    cwd: process.cwd(),
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
  });
}

main().then(
  code => {
    if (code !== undefined) process.exitCode = code;
  },
  error => {
    process.stderr.write(`butler-gitops: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
