/** What a check run looked at, for the closing line of every output format. */
export interface CheckSummary {
  filesChecked: number;
  invalidFiles: number;
}

export function describeSummary(summary: CheckSummary): string {
  const files = summary.filesChecked === 1 ? 'file' : 'files';
  return `${summary.filesChecked} ${files} checked, ${summary.invalidFiles} invalid`;
}
