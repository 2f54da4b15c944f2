/*
 * Two files of one checkout declaring the same kind/namespace/name would fight over one
 * object in the cluster and one catalog entity. The layout rule alone cannot rule this out:
 * a copy outside the kind folders (docs, examples) declares the same resource from elsewhere.
 */
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import { issueAtName } from './issueAtName';
import type { CheckedFile } from './types';

export interface DuplicateFinding {
  checked: CheckedFile;
  issue: ValidationIssue;
}

/**
 * For each resource declared by more than one file of the same checkout, one finding per file
 * but the original, naming the original: the file at its layout path if there is one (that is
 * the file the portal reads), else the first in the order given.
 */
export function findDuplicates(
  files: readonly CheckedFile[],
): DuplicateFinding[] {
  const first = new Map<string, CheckedFile>();
  const findings: DuplicateFinding[] = [];
  const layoutFilesFirst = [
    ...files.filter(f => f.location.repoPath !== undefined),
    ...files.filter(f => f.location.repoPath === undefined),
  ];
  for (const checked of layoutFilesFirst) {
    const resource = checked.resource;
    if (!resource) continue;
    const { kind, metadata } = resource;
    const key = JSON.stringify([
      checked.location.root,
      kind,
      metadata.namespace,
      metadata.name,
    ]);
    const original = first.get(key);
    if (!original) {
      first.set(key, checked);
      continue;
    }
    findings.push({
      checked,
      issue: issueAtName(
        checked,
        `duplicate resource: ${kind} ${metadata.namespace}/${metadata.name} is also declared in ${original.file.displayPath}`,
      ),
    });
  }
  return findings;
}
