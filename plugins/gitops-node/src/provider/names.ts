/*
 * Validation of the names a caller hands to the local provider: branch names, refs and file paths
 * inside the repository. Everything here ends up as a file system path under the bare repository
 * (refs are files) or as a tree entry, so hostile input (`../x`, `.git/config`, control characters)
 * must be refused before it gets near the disk.
 */
import { InputError } from '@backstage/errors';

// git check-ref-format rules, applied per path component
// eslint-disable-next-line no-control-regex
const FORBIDDEN_REF_CHARS = /[\x00-\x20\x7f~^:?*[\\]/;

/** true when `name` is a full ref name git itself would accept (`refs/...`) */
export function isValidRefName(name: string): boolean {
  if (!name.startsWith('refs/') || name.length > 1024) return false;
  if (
    FORBIDDEN_REF_CHARS.test(name) ||
    name.includes('..') ||
    name.includes('@{')
  ) {
    return false;
  }
  if (name.endsWith('/') || name.endsWith('.')) return false;
  return name
    .split('/')
    .every(c => c.length > 0 && !c.startsWith('.') && !c.endsWith('.lock'));
}

/** Throws an InputError naming the branch and the reason when it is not a usable branch name. */
export function validateBranchName(branch: string, field = 'branch'): string {
  if (typeof branch !== 'string' || branch.length === 0) {
    throw new InputError(`${field}: a branch name is required`);
  }
  if (
    branch.startsWith('refs/') ||
    branch === 'HEAD' ||
    branch.startsWith('-')
  ) {
    throw new InputError(
      `${field}: '${branch}' is not a branch name (give the short name, e.g. butler/workspace/x)`,
    );
  }
  if (!isValidRefName(`refs/heads/${branch}`)) {
    throw new InputError(
      `${field}: '${branch}' is not a valid git branch name (empty component, '..', '.lock', control or special character)`,
    );
  }
  return branch;
}

/**
 * Throws an InputError unless `ref` names a commit the way a publisher gives one: a full commit
 * SHA, or the short name of a branch or tag (the same rules as a branch name: no `..`, no `refs/`,
 * no leading `-`, no control or special characters).
 */
export function validateShortRef(ref: string, field = 'ref'): string {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new InputError(`${field}: a branch, tag or commit SHA is required`);
  }
  if (isSha(ref)) return ref;
  if (ref.startsWith('refs/') || ref === 'HEAD' || ref.startsWith('-')) {
    throw new InputError(
      `${field}: '${ref}' is not a short branch or tag name (e.g. main or v1.4.0)`,
    );
  }
  if (!isValidRefName(`refs/tags/${ref}`)) {
    throw new InputError(
      `${field}: '${ref}' is not a valid branch or tag name (empty component, '..', '.lock', control or special character)`,
    );
  }
  return ref;
}

/**
 * Why git refuses `name` as a file name in a tree, or undefined when it takes it: empty, `/`,
 * a backslash or NUL, not well-formed UTF-16 (a lone surrogate has no UTF-8 form), `.` or `..`, or a
 * name some file system reads as `.git` — any case, trailing dots or spaces (NTFS), the 8.3 alias
 * `git~1`, an alternate data stream (`.git::$INDEX_ALLOCATION`), characters HFS+ ignores. These
 * are git's `verify_path` rules (fsck `hasDotgit`) as isomorphic-git's tree reader applies them:
 * a tree holding such a name could be written but not read again.
 */
export function gitNameRefusal(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (/[/\\\0]/.test(name)) return "holds '/', '\\' or NUL";
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)) {
    return 'holds a lone surrogate (no UTF-8 form)';
  }
  const shown = name.replace(/[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g, '');
  if (shown === '.' || shown === '..') return "is '.' or '..'";
  const normalized = shown.split(':')[0].toLowerCase().replace(/[. ]+$/, '');
  if (normalized === '.git' || /^\.?git~[1-9]$/.test(normalized)) {
    return 'is .git on some file system';
  }
  return undefined;
}

/**
 * Throws an InputError naming the path and the reason unless `path` is a plain relative path of
 * a file inside the repository: no absolute paths, no `.`/`..` components, nothing under `.git`.
 */
export function validateRepoPath(path: string, field = 'path'): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InputError(`${field}: a file path is required`);
  }
  if (path.length > 4096) {
    throw new InputError(`${field}: path is longer than 4096 characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f\\]/.test(path)) {
    throw new InputError(
      `${field}: '${path}' contains a control character or a backslash`,
    );
  }
  if (path.startsWith('/') || path.endsWith('/')) {
    throw new InputError(
      `${field}: '${path}' must be relative and name a file (no leading or trailing '/')`,
    );
  }
  for (const component of path.split('/')) {
    if (component === '' || component === '.' || component === '..') {
      throw new InputError(
        `${field}: '${path}' has an empty, '.' or '..' component`,
      );
    }
    if (component.toLowerCase() === '.git') {
      throw new InputError(`${field}: '${path}' points into .git`);
    }
    const refusal = gitNameRefusal(component);
    if (refusal) {
      throw new InputError(
        `${field}: '${path}' has a component git refuses: '${component}' ${refusal}`,
      );
    }
  }
  return path;
}

/** A directory prefix for listings: same rules as a path, trailing '/' allowed, '' = root. */
export function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined) return '';
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return validateRepoPath(trimmed, 'prefix');
}

const SHA = /^[0-9a-f]{40}$/;

export function isSha(value: string): boolean {
  return SHA.test(value);
}
