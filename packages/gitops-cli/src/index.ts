/*
 * `butler-gitops`: validate and render a Butler Portal GitOps repository with no portal
 * running, in CI or in a clone.
 */
import { runCli } from './main';

runCli(process.argv, {
  cwd: process.cwd(),
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
}).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`butler-gitops: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
