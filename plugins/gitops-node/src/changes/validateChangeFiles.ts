/*
 * The validation result of a change request: every resource file it adds or changes, checked as
 * the reconciler will read it after merge. A change opened through the portal is valid by
 * construction; a branch pushed with git may not be, and this is what the portal shows for it
 * and reports as the `butler-portal/validate` commit check.
 */
import {
  KINDS,
  parseResourcePath,
  validate,
  type RepoLayout,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import type { ChangedFile, CommitCheck } from '../provider/types';
import type { ChangeValidation } from './types';

export const VALIDATION_CHECK_CONTEXT = 'butler-portal/validate';

const DATA_FILE = /\.(ya?ml|json)$/i;

function layoutRoot(layout?: RepoLayout): string {
  const root = (layout?.root ?? '').replace(/^\/+|\/+$/g, '');
  return root ? `${root}/` : '';
}

export function validateChangeFiles(
  files: readonly ChangedFile[],
  layout?: RepoLayout,
): ChangeValidation {
  const issues: ValidationIssue[] = [];
  const root = layoutRoot(layout);
  for (const file of files) {
    if (file.status === 'deleted' || file.after === undefined) continue;
    const ref = parseResourcePath(file.path, layout);
    if (ref?.kind === 'Pipeline') {
      // Herald's rules (topology, options, event-type flow) include the generic ones; only its
      // errors fail the check, its warnings are for the editor
      issues.push(...validatePipeline(file.after, { file: file.path, layout }).errors);
      continue;
    }
    if (ref) {
      issues.push(...validate(file.after, file.path, { layout }).issues);
      continue;
    }
    // a data file in a kind's folder that is not where the layout puts a resource would be
    // silently ignored by the catalog and the reconciler: say so
    const folder = file.path.startsWith(root)
      ? file.path.slice(root.length).split('/')[0]
      : '';
    const kind = KINDS.find(k => k.folder === folder);
    if (kind && DATA_FILE.test(file.path)) {
      issues.push({
        file: file.path,
        path: '',
        line: 1,
        column: 1,
        message: `not where the repo layout puts a ${kind.kind}: expected ${root}${kind.folder}/<namespace>/<name>.yaml with DNS-1123 namespace and name`,
      });
    }
  }
  return { ok: issues.length === 0, issues };
}

/** The commit check for a validation result. */
export function validationCheck(validation: ChangeValidation): CommitCheck {
  const count = validation.issues.length;
  return {
    context: VALIDATION_CHECK_CONTEXT,
    state: validation.ok ? 'success' : 'failure',
    description: validation.ok
      ? 'every resource file is valid'
      : `${count} validation issue${count === 1 ? '' : 's'}: ${
          validation.issues[0].file
        }:${validation.issues[0].line} ${validation.issues[0].message}`.slice(
          0,
          140,
        ),
  };
}
