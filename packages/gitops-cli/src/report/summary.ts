/** What a check run looked at, for the closing line of every output format. */
export interface CheckSummary {
  filesChecked: number;
  invalidFiles: number;
  /** with `--changed-since`: what the files checked were chosen from */
  changedSince?: ChangedSinceSummary;
}

export interface ChangedSinceSummary {
  /** the revision given */
  rev: string;
  /** the merge base of it and HEAD the changes are counted from */
  base: string;
  /** files the branch changed (among those found) */
  changed: number;
  /** unchanged files that refer to, or duplicate, a changed resource */
  referring: number;
}

export function describeSummary(summary: CheckSummary): string {
  const files = summary.filesChecked === 1 ? 'file' : 'files';
  const line = `${summary.filesChecked} ${files} checked, ${summary.invalidFiles} invalid`;
  const since = summary.changedSince;
  if (!since) return line;
  return `${line} (changed since ${since.rev}: ${since.changed} changed, ${since.referring} referring to them)`;
}
