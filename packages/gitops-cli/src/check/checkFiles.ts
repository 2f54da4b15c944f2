/*
 * Checks a set of YAML files the way the portal does before it accepts a change: each file
 * against its kind's JSON Schema (the shared validator of gitops-common), then its place in
 * the repo layout, then duplicates across the checkout.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  kindOf,
  parseResourceYaml,
  resourcePath,
  validate,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { YamlFile } from '../files/collectYamlFiles';
import { layoutLocationOf } from '../files/layoutLocation';
import { findDuplicates } from './findDuplicates';
import { issueAtName } from './issueAtName';
import type { CheckedFile, CheckReport } from './types';

/** True when the text parses as a resource of one of the known kinds. */
function declaresKnownKind(text: string): boolean {
  const parsed = parseResourceYaml(text);
  return (
    parsed.ok && !!kindOf(parsed.yaml.value.apiVersion, parsed.yaml.value.kind)
  );
}

/** The layout rule: a file in a kind folder is exactly where the layout puts its resource. */
function layoutIssue(checked: CheckedFile): ValidationIssue | undefined {
  const { resource, location, file } = checked;
  if (!resource || !location.inKindFolder) return undefined;
  let expected: string;
  try {
    expected = resourcePath({
      kind: resource.kind,
      namespace: resource.metadata.namespace,
      name: resource.metadata.name,
    });
  } catch (error) {
    // The schema allowed a name the layout cannot turn into a path.
    return issueAtName(checked, `no layout path: ${(error as Error).message}`);
  }
  if (location.layoutPath === expected) return undefined;
  const here = path
    .relative(location.root, file.absolutePath)
    .split(path.sep)
    .join('/');
  return issueAtName(
    checked,
    `${resource.kind} ${resource.metadata.namespace}/${resource.metadata.name} must be in ` +
      `${expected} (layout: <folder>/<namespace>/<name>.yaml), not in ${here}`,
  );
}

/**
 * Checks `files`. A file is checked when the user named it, when it lies in a kind folder,
 * or when it declares a known kind elsewhere; other YAML (CI files, editor settings) is
 * skipped.
 */
export async function checkFiles(files: readonly YamlFile[]): Promise<CheckReport> {
  const checked: CheckedFile[] = [];
  for (const file of files) {
    const text = await fs.readFile(file.absolutePath, 'utf8');
    const location = layoutLocationOf(file);
    if (!file.explicit && !location.inKindFolder && !declaresKnownKind(text)) {
      continue;
    }
    const result = validate(text, file.displayPath);
    const entry: CheckedFile = {
      file,
      location,
      text,
      resource: result.ok ? result.resource : undefined,
      issues: result.issues.map(issue => ({ ...issue, file: file.displayPath })),
    };
    const misplaced = layoutIssue(entry);
    if (misplaced) entry.issues.push(misplaced);
    checked.push(entry);
  }
  for (const { checked: entry, issue } of findDuplicates(checked)) {
    entry.issues.push(issue);
  }
  return { files: checked };
}

/** All issues of a report, in file order. */
export function issuesOf(report: CheckReport): ValidationIssue[] {
  return report.files.flatMap(f => f.issues);
}

/** How many checked files have at least one issue. */
export function invalidCount(report: CheckReport): number {
  return report.files.filter(f => f.issues.length > 0).length;
}
