/*
 * A resource file that would not be valid: the REST API answers 400 with the located issues, so
 * a form can mark the fields and a CLI print `file:line:column`.
 */
import { InputError } from '@backstage/errors';
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';

export class ResourceValidationError extends InputError {
  readonly issues: ValidationIssue[];

  constructor(file: string, issues: ValidationIssue[]) {
    const first = issues
      .slice(0, 3)
      .map(
        i =>
          `${i.file ?? file}:${i.line}:${i.column} ${
            i.path ? `${i.path}: ` : ''
          }${i.message}`,
      )
      .join('; ');
    const more = issues.length > 3 ? `; and ${issues.length - 3} more` : '';
    super(`${file} is not valid: ${first}${more}`);
    this.issues = issues;
  }
}
