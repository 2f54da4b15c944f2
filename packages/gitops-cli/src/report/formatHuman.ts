/*
 * The default output: one `file:line:col: message` line per issue, the form editors and
 * terminals turn into links, then a summary.
 */
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import type { CheckSummary } from './summary';
import { describeSummary } from './summary';

export function formatHuman(
  issues: readonly ValidationIssue[],
  summary: CheckSummary,
): string {
  const lines = issues.map(
    issue =>
      `${issue.file ?? '(input)'}:${issue.line}:${issue.column}: ${
        issue.message
      }`,
  );
  lines.push(describeSummary(summary));
  return `${lines.join('\n')}\n`;
}
