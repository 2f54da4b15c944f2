/*
 * Refuses a change request before anything is written at GitLab, so a hostile path or branch
 * name never reaches the API and nothing is left half-created. Messages name the field and why.
 */
import { InputError } from '@backstage/errors';
// the same branch and path rules as the local provider: one definition of a safe name
import { validateBranchName, validateRepoPath } from './names';
import type { OpenChangeFromBranchInput, OpenChangeInput } from './types';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** what opening a change for an existing branch needs: a safe branch name and a title */
export function validateOpenChangeFromBranchInput(
  input: OpenChangeFromBranchInput,
): void {
  validateBranchName(input.branch);
  if (!input.title?.trim()) throw new InputError('title: must not be empty');
}

export function validateOpenChangeInput(
  input: OpenChangeInput,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): void {
  validateOpenChangeFromBranchInput(input);
  if (!input.actor?.name || !input.actor?.email) {
    throw new InputError(
      'actor: name and email are required (they author the commit)',
    );
  }
  if (!Array.isArray(input.operations) || input.operations.length === 0) {
    throw new InputError(
      'operations: a change request needs at least one file operation',
    );
  }
  const seen = new Set<string>();
  input.operations.forEach((operation, index) => {
    const field = `operations[${index}].path`;
    validateRepoPath(operation.path, field);
    if (seen.has(operation.path)) {
      throw new InputError(
        `${field} ${JSON.stringify(
          operation.path,
        )}: appears twice in one change`,
      );
    }
    seen.add(operation.path);
    if (!['create', 'update', 'delete'].includes(operation.action)) {
      throw new InputError(
        `operations[${index}].action ${JSON.stringify(
          operation.action,
        )}: must be create, update or delete`,
      );
    }
    if (operation.action !== 'delete') {
      if (typeof operation.content !== 'string') {
        throw new InputError(
          `operations[${index}].content for ${operation.path}: must be text`,
        );
      }
      const bytes = Buffer.byteLength(operation.content, 'utf8');
      if (bytes > maxFileBytes) {
        throw new InputError(
          `operations[${index}].content for ${operation.path}: ${bytes} bytes exceeds the limit of ${maxFileBytes}`,
        );
      }
    }
  });
}
