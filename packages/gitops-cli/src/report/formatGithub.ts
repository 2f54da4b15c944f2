/*
 * GitHub Actions workflow commands: each issue becomes an `::error` annotation shown on the
 * pull request's diff at the offending line.
 */
import { describePointer } from '@butler-portal/plugin-gitops-common';
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import type { CheckSummary } from './summary';
import { describeSummary } from './summary';

/**
 * Escapes a command's message, as the Actions runner and @actions/core do: `%` first, so
 * the escapes it adds are not escaped again, then line breaks, which would end the command.
 */
export function escapeGithubData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value: like data, plus `:` and `,` that delimit properties. */
export function escapeGithubProperty(value: string): string {
  return escapeGithubData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(
  issues: readonly ValidationIssue[],
  summary: CheckSummary,
): string {
  const lines = issues.map(issue => {
    const properties = [
      ...(issue.file ? [`file=${escapeGithubProperty(issue.file)}`] : []),
      `line=${issue.line}`,
      `col=${issue.column}`,
      `title=${escapeGithubProperty(
        `butler-gitops: ${describePointer(issue.path)}`,
      )}`,
    ];
    return `::error ${properties.join(',')}::${escapeGithubData(
      issue.message,
    )}`;
  });
  lines.push(describeSummary(summary));
  return `${lines.join('\n')}\n`;
}
