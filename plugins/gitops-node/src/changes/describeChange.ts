/*
 * Title and description of a change request the portal opens: what changes, who asked for it,
 * whether the file is valid, and the diff itself, so a reviewer on GitHub, GitLab or the portal
 * sees the whole change without opening the files.
 */
import type {
  KindInfo,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { Actor } from '../provider/types';
import type { ChangeOperation } from './types';

/** Room for the diff in a description: GitHub and the local provider stop at 65,536. */
const MAX_DIFF_CHARS = 40_000;

const VERBS: Record<ChangeOperation, string> = {
  create: 'Create',
  update: 'Update',
  delete: 'Delete',
};

export function defaultChangeTitle(
  operation: ChangeOperation,
  kind: KindInfo,
  namespace: string,
  name: string,
): string {
  return `${VERBS[operation]} ${kind.kind} ${namespace}/${name}`;
}

export interface ChangeDescriptionInput {
  operation: ChangeOperation;
  kind: KindInfo;
  namespace: string;
  name: string;
  path: string;
  actor: Actor;
  /** what the user wrote; comes first */
  userDescription?: string;
  /** what had to be guessed about the author, and other remarks */
  notes?: string[];
  /** issues of the new file; empty = valid. Undefined for a deletion (nothing to validate) */
  validationIssues?: ValidationIssue[];
  diff: string;
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(
    0,
    ...(text.match(/`+/g) ?? []).map(run => run.length),
  );
  return '`'.repeat(Math.max(3, longest + 1));
}

export function describeChange(input: ChangeDescriptionInput): string {
  const { operation, kind, namespace, name, path, actor } = input;
  const parts: string[] = [];
  if (input.userDescription?.trim()) {
    parts.push(input.userDescription.trim(), '---');
  }
  parts.push(
    `**${VERBS[operation]}** ${kind.kind} \`${namespace}/${name}\` — \`${path}\``,
    `**Requested by** ${actor.name} <${actor.email}> (\`${actor.userRef}\`) through Butler Portal.`,
  );
  for (const note of input.notes ?? []) {
    parts.push(`> Note: ${note}`);
  }
  if (input.validationIssues === undefined) {
    parts.push('**Validation:** not applicable, the file is deleted.');
  } else if (input.validationIssues.length === 0) {
    parts.push(
      `**Validation:** passed — the file matches the ${kind.kind} schema (\`${kind.schemaFile}\`) and the portal's rules.`,
    );
  } else {
    parts.push(
      `**Validation:** ${input.validationIssues.length} issue(s):`,
      input.validationIssues
        .map(
          i =>
            `- \`${i.file ?? path}:${i.line}:${i.column}\` ${
              i.path || '(document)'
            }: ${i.message}`,
        )
        .join('\n'),
    );
  }
  let diff = input.diff;
  let truncated = false;
  if (diff.length > MAX_DIFF_CHARS) {
    diff = diff.slice(0, diff.lastIndexOf('\n', MAX_DIFF_CHARS) + 1);
    truncated = true;
  }
  const fence = fenceFor(diff);
  parts.push(`${fence}diff\n${diff.replace(/\n?$/, '\n')}${fence}`);
  if (truncated) {
    parts.push(
      `The diff is cut at ${MAX_DIFF_CHARS} characters; the change's files hold all of it.`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}
