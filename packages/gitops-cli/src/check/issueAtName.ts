import {
  parseResourceYaml,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { CheckedFile } from './types';

/**
 * An issue about a resource as a whole (its place, its uniqueness), shown at its
 * `metadata.name`, where a reader looks for its identity.
 */
export function issueAtName(
  checked: CheckedFile,
  message: string,
): ValidationIssue {
  const parsed = parseResourceYaml(checked.text);
  const position = parsed.ok
    ? parsed.yaml.locate('/metadata/name')
    : { line: 1, column: 1 };
  return {
    file: checked.file.displayPath,
    path: '/metadata/name',
    ...position,
    message,
  };
}
