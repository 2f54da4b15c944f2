/*
 * Checks a set of YAML files the way the portal does before it accepts a change: each file
 * with the shared validator of gitops-common (schema, portal rules and, for files in a kind
 * folder, the layout path), then for duplicates across each checkout.
 */
import fs from 'node:fs';
import {
  DEFAULT_MAX_BYTES,
  kindOf,
  parseResourceYaml,
  type ValidationIssue,
  type ValidationResult,
} from '@butler-portal/plugin-gitops-common';
import type { YamlFile } from '../files/collectYamlFiles';
import { layoutLocationOf, type LayoutLocation } from '../files/layoutLocation';
import { findDuplicates } from './findDuplicates';
import { validateInParallel, type ValidationJob } from './validateInParallel';
import type { CheckedFile, CheckReport } from './types';

/** True when the text parses as a resource of one of the known kinds. */
function declaresKnownKind(text: string): boolean {
  const parsed = parseResourceYaml(text);
  return (
    parsed.ok && !!kindOf(parsed.yaml.value.apiVersion, parsed.yaml.value.kind)
  );
}

/** The validator refuses files over its size limit; this keeps them from being read at all. */
function tooLarge(size: number): ValidationResult {
  return {
    ok: false,
    issues: [
      {
        path: '',
        line: 1,
        column: 1,
        message: `file is ${size} bytes; the limit is ${DEFAULT_MAX_BYTES} bytes`,
      },
    ],
  };
}

interface ReadResult {
  file: YamlFile;
  location: LayoutLocation;
  mustCheck: boolean;
  size: number;
  /** absent for a file over the size limit, which is never read */
  text?: string;
}

/**
 * Reads one file, synchronously on purpose: for a repository's many small files on a local
 * disk, plain reads take 12-25 ms per 1,000 files where promise-based reads (even 32 at a time)
 * took 90-200 ms, spent waiting on the thread pool (scripts/benchmark.js).
 */
function readFile(file: YamlFile): ReadResult {
  const location = layoutLocationOf(file);
  const mustCheck = file.explicit || location.repoPath !== undefined;
  const { size } = fs.statSync(file.absolutePath);
  if (size > DEFAULT_MAX_BYTES) return { file, location, mustCheck, size };
  const text = fs.readFileSync(file.absolutePath, 'utf8');
  return { file, location, mustCheck, size, text };
}

/**
 * Checks `files`. A file is checked when the user named it, when it lies in a kind folder,
 * or when it declares a known kind elsewhere; other YAML (CI files, editor settings) is
 * skipped. Files are read, then validated, in the order given.
 */
export async function checkFiles(
  files: readonly YamlFile[],
): Promise<CheckReport> {
  // read everything and decide what to check, then validate (in parallel where it pays off)
  const toCheck: Array<ReadResult & { result?: ValidationResult }> = [];
  const jobs: ValidationJob[] = [];
  for (const read of files.map(readFile)) {
    if (read.text === undefined) {
      if (!read.mustCheck) continue; // cannot be a resource the portal reads
      toCheck.push({ ...read, result: tooLarge(read.size) });
    } else {
      if (!read.mustCheck && !declaresKnownKind(read.text)) continue;
      // With a repository path the validator also checks that the file is where the layout
      // puts its resource; a resource kept elsewhere (docs, examples) is checked as content.
      toCheck.push(read);
      jobs.push({ text: read.text, repoPath: read.location.repoPath });
    }
  }
  const results = await validateInParallel(jobs);
  let next = 0;
  const checked: CheckedFile[] = toCheck.map(
    ({ file, location, text, result }) => {
      const outcome = result ?? results[next++];
      return {
        file,
        location,
        text: text ?? '',
        resource: outcome.ok ? outcome.resource : undefined,
        issues: outcome.issues.map(issue => ({
          ...issue,
          file: file.displayPath,
        })),
      };
    },
  );
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
