/*
 * `validate --changed-since <rev>`: of the files found, the ones a branch changes plus the ones
 * that refer to a changed or deleted resource (the Workspaces of a changed WorkspaceTemplate)
 * or declare the same resource (a duplicate the change introduced). Only changed files and
 * files whose text names a changed resource are parsed, so a 1,000-file repository costs
 * little more than its few changed files.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  parseResourcePath,
  parseResourceYaml,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';
import type { YamlFile } from '../files/collectYamlFiles';
import { layoutLocationOf } from '../files/layoutLocation';
import type { GitChanges } from './gitChanges';
import { keyOf, keyString, referencesOf, type ResourceKey } from './references';

/** the largest file looked into for references; the validator's own limit is 1 MiB */
const MAX_SCAN_BYTES = 1024 * 1024;

export interface ChangedSelection {
  /** the files to check, in the order given */
  files: YamlFile[];
  /** how many of them the branch changed */
  changed: number;
  /** how many refer to (or duplicate) a changed resource */
  referring: number;
}

/** A parsed file's resource shape, good enough to read keys and references from. */
function resourceIn(text: string): GitOpsResource | undefined {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) return undefined;
  const value = parsed.yaml.value as Partial<GitOpsResource>;
  const metadata = value.metadata;
  if (
    typeof value.kind !== 'string' ||
    !metadata ||
    typeof metadata !== 'object' ||
    typeof metadata.name !== 'string' ||
    typeof metadata.namespace !== 'string'
  ) {
    return undefined;
  }
  return value as GitOpsResource;
}

/** characters of a Kubernetes name: a match next to one of them is part of a longer name */
const NAME_CHARACTER = /[A-Za-z0-9._-]/;

/** True when `word` occurs in `text` as a whole name (`ws-1` is not in `ws-10`). */
export function mentionsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = at > 0 ? text[at - 1] : '';
    const after = text[at + word.length] ?? '';
    if (!NAME_CHARACTER.test(before) && !NAME_CHARACTER.test(after)) {
      return true;
    }
  }
  return false;
}

/** synchronous, as in checkFiles: many small local files read fastest that way */
function readText(file: string): string | undefined {
  try {
    if (fs.statSync(file).size > MAX_SCAN_BYTES) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The resource a file at `absolutePath` stands for by its place in the layout, if any. */
function keyByPath(absolutePath: string, cwd: string): ResourceKey | undefined {
  const relative = path.relative(cwd, absolutePath);
  const inside = !relative.startsWith('..') && !path.isAbsolute(relative);
  const base = inside ? cwd : path.dirname(absolutePath);
  const { repoPath } = layoutLocationOf({
    absolutePath,
    displayPath: absolutePath,
    base,
    segments: path.relative(base, absolutePath).split(path.sep),
    explicit: false,
  });
  return repoPath === undefined ? undefined : parseResourcePath(repoPath);
}

/** git reports real paths; the files found may sit under a symlinked working directory */
function realPathResolver() {
  const realDirs = new Map<string, string>();
  return (file: string) => {
    const dir = path.dirname(file);
    let real = realDirs.get(dir);
    if (real === undefined) {
      try {
        real = fs.realpathSync(dir);
      } catch {
        real = dir;
      }
      realDirs.set(dir, real);
    }
    return path.join(real, path.basename(file));
  };
}

export function selectChanged(
  files: readonly YamlFile[],
  changes: GitChanges,
  cwd: string,
): ChangedSelection {
  const realPath = realPathResolver();
  const isChanged = files.map(f =>
    changes.changed.has(realPath(f.absolutePath)),
  );
  const changedFiles = files.filter((_, i) => isChanged[i]);

  // the resources the branch touches: what changed files declare now, and what changed or
  // deleted files stood for by their path
  const touched = new Map<string, ResourceKey>();
  const add = (key: ResourceKey | undefined) => {
    if (key) touched.set(keyString(key), key);
  };
  const changedTexts = changedFiles.map(f => readText(f.absolutePath));
  changedFiles.forEach((file, i) => {
    const text = changedTexts[i];
    const resource = text === undefined ? undefined : resourceIn(text);
    if (resource) add(keyOf(resource));
    add(keyByPath(file.absolutePath, cwd));
  });
  for (const file of changes.deleted) add(keyByPath(file, cwd));

  const keys = [...touched.values()];
  const referring = new Set<YamlFile>();
  files.forEach((file, i) => {
    if (isChanged[i] || keys.length === 0) return;
    const text = readText(file.absolutePath);
    if (text === undefined) return;
    // cheap test first, so that few files are parsed: a file that refers to a resource, or
    // declares it again, spells out its name and namespace (its own, or the one it names)
    if (
      !keys.some(
        k => mentionsWord(text, k.name) && mentionsWord(text, k.namespace),
      )
    ) {
      return;
    }
    const resource = resourceIn(text);
    if (!resource) return;
    const related =
      touched.has(keyString(keyOf(resource))) ||
      referencesOf(resource).some(ref => touched.has(keyString(ref)));
    if (related) referring.add(file);
  });

  return {
    files: files.filter((f, i) => isChanged[i] || referring.has(f)),
    changed: changedFiles.length,
    referring: referring.size,
  };
}
