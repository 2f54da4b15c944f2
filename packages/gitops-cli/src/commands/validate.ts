/*
 * `butler-gitops validate [paths...]`: the PR check. Exit 0 when every checked file is
 * valid, 1 when any is not.
 */
import { collectYamlFiles } from '../files/collectYamlFiles';
import { checkFiles, invalidCount, issuesOf } from '../check/checkFiles';
import { formatGithub } from '../report/formatGithub';
import { formatHuman } from '../report/formatHuman';
import { formatJson } from '../report/formatJson';
import type { CliIo } from '../io';
import { EXIT_INVALID, EXIT_OK } from '../exitCodes';

export const OUTPUT_FORMATS = ['human', 'json', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const FORMATTERS = {
  human: formatHuman,
  json: formatJson,
  github: formatGithub,
} as const;

export async function runValidate(
  paths: string[],
  format: OutputFormat,
  io: CliIo,
): Promise<number> {
  const files = await collectYamlFiles(paths, io.cwd);
  const report = await checkFiles(files);
  const summary = {
    filesChecked: report.files.length,
    invalidFiles: invalidCount(report),
  };
  io.stdout(FORMATTERS[format](issuesOf(report), summary));
  return summary.invalidFiles > 0 ? EXIT_INVALID : EXIT_OK;
}
