import type { ValidationIssue } from '../kinds';

/** `file:line:col path: message`, the form editors and CI logs use; parts not known are left out. */
export function formatIssue(issue: ValidationIssue): string {
  const where = [issue.file, issue.line, issue.column]
    .filter(part => part !== undefined && part !== '')
    .join(':');
  const field = issue.path ? `${issue.path}: ` : '';
  return `${where ? `${where} ` : ''}${field}${issue.message}`;
}
