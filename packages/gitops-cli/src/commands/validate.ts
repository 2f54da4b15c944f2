/*
 * `butler-gitops validate [paths...]`: the PR check. Exit 0 when every checked file is
 * valid, 1 when any is not.
 */
import { gitChangesSince } from '../changes/gitChanges';
import { selectChanged } from '../changes/selectChanged';
import { collectYamlFiles } from '../files/collectYamlFiles';
import { checkFiles, invalidCount, issuesOf } from '../check/checkFiles';
import { checkKeeper } from '../check/keeperCheck';
import { formatGithub } from '../report/formatGithub';
import { formatHuman } from '../report/formatHuman';
import { formatJson } from '../report/formatJson';
import type { CliIo } from '../io';
import { EXIT_INVALID, EXIT_OK } from '../exitCodes';
import type { CheckSummary } from '../report/summary';

export const OUTPUT_FORMATS = ['human', 'json', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const FORMATTERS = {
  human: formatHuman,
  json: formatJson,
  github: formatGithub,
} as const;

export interface ValidateOptions {
  format: OutputFormat;
  /** check only what changed since this revision, and what refers to it */
  changedSince?: string;
  /** Keeper sources made reachable: `<repository id or git URL>=<local clone>` */
  source?: string[];
  /** fetch chart and bundle archives to check their pinned digests */
  fetchArchives?: boolean;
}

export async function runValidate(
  paths: string[],
  options: ValidateOptions,
  io: CliIo,
): Promise<number> {
  const { format, changedSince } = options;
  // the git query and the directory walk are independent: run them together
  const [found, changes] = await Promise.all([
    collectYamlFiles(paths, io.cwd),
    changedSince === undefined
      ? undefined
      : gitChangesSince(changedSince, io.cwd),
  ]);
  let files = found;
  let since: CheckSummary['changedSince'];
  if (changes && changedSince !== undefined) {
    const selection = selectChanged(found, changes, io.cwd);
    files = selection.files;
    since = {
      rev: changedSince,
      base: changes.base,
      changed: selection.changed,
      referring: selection.referring,
    };
  }
  const report = await checkFiles(files);
  await checkKeeper(
    report,
    { sources: options.source ?? [], fetchArchives: options.fetchArchives ?? false },
    io.cwd,
  );
  const summary: CheckSummary = {
    filesChecked: report.files.length,
    invalidFiles: invalidCount(report),
    ...(since && { changedSince: since }),
  };
  io.stdout(FORMATTERS[format](issuesOf(report), summary));
  return summary.invalidFiles > 0 ? EXIT_INVALID : EXIT_OK;
}
