/*
 * Machine-readable output for scripts and other CI systems: every issue with its file,
 * position and JSON Pointer, and the summary.
 */
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import type { CheckSummary } from './summary';

export function formatJson(
  issues: readonly ValidationIssue[],
  summary: CheckSummary,
): string {
  const body = {
    issues: issues.map(issue => ({
      file: issue.file ?? null,
      line: issue.line,
      column: issue.column,
      path: issue.path,
      message: issue.message,
    })),
    summary,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
