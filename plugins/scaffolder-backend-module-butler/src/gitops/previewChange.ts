/*
 * What a change would write, checked the way the backend checks it: the file's layout path and
 * its full text validated by gitops-common's `validate()`. Used for dry runs (nothing is sent)
 * and by butler:workspace:create before it opens anything.
 */
import { InputError } from '@backstage/errors';
import {
  type OpenChangeRequest,
  resourcePath,
  stringifyResource,
  validate,
} from '@butler-portal/plugin-gitops-common';
import { formatIssue } from './GitopsClient';

export interface ChangePreview {
  /** repository-relative path of the file in the default layout */
  path: string;
  /** the whole new file; absent for a delete */
  yaml?: string;
}

/**
 * The path and text the submission would write.
 *
 * @throws InputError naming the field when the kind, namespace or name cannot be a path, and
 *   listing every located issue when the file is invalid
 */
export function previewChange(submission: OpenChangeRequest): ChangePreview {
  const { operation, kind, namespace, name } = submission;
  let path: string;
  try {
    path = resourcePath({ kind: kind as never, namespace, name });
  } catch (error) {
    throw new InputError(
      `${kind} ${namespace}/${name}: ${(error as Error).message}`,
    );
  }
  if (operation === 'delete') {
    if (submission.resource !== undefined || submission.yaml !== undefined) {
      throw new InputError('delete takes neither resource nor yaml');
    }
    return { path };
  }
  if ((submission.resource === undefined) === (submission.yaml === undefined)) {
    throw new InputError(
      `${operation} takes exactly one of resource (an object) or yaml (the whole file)`,
    );
  }
  const yaml =
    submission.yaml ??
    stringifyResource(submission.resource as Record<string, unknown>);
  // with the path, validate() also checks that kind, namespace and name match where it goes
  const result = validate(yaml, path);
  if (!result.ok) {
    throw new InputError(
      [
        `${kind} ${namespace}/${name} is invalid:`,
        ...result.issues.map(issue => `  - ${formatIssue(issue)}`),
      ].join('\n'),
    );
  }
  return { path, yaml };
}
