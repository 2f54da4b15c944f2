/*
 * A field of the request itself that is not acceptable (an unknown kind, a resource that is not
 * an object, a name that cannot become a path): a 400 whose `issues` name the field, the way
 * ResourceValidationError names the fields of the file. The issue's `path` is the field's JSON
 * Pointer in the request body and it has no `file`; line and column are 1 (a request is no file).
 */
import { InputError } from '@backstage/errors';
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';

export class RequestFieldError extends InputError {
  readonly issues: ValidationIssue[];

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.issues = [{ path: `/${field}`, line: 1, column: 1, message: reason }];
  }
}
