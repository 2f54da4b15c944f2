/*
 * Keeper's version rules. A version is canonical SemVer 2.0 without a leading "v" and without
 * build metadata (it is part of a file name and of client URLs); ranges use node-semver syntax.
 * Every refusal is a sentence that says why, for the protocols' error bodies and the forms.
 */
import semver from 'semver';

// the same pattern as spec.version of schemas/artifactversion.schema.json
const IDENT = '(0|[1-9][0-9]*|(?=[0-9a-z-]*[a-z-])[0-9a-z]+(-[0-9a-z]+)*)';
const CANONICAL = new RegExp(
  `^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-${IDENT}(\\.${IDENT})*)?$`,
);
const MAX_VERSION_LENGTH = 61;
const MAX_RANGE_LENGTH = 256;

/** Why `value` is not a Keeper version, or `undefined` when it is one. */
export function versionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return 'a version must be a non-empty string';
  }
  const shown = JSON.stringify(value.slice(0, 80));
  if (value.length > MAX_VERSION_LENGTH) {
    return `version ${shown} is longer than ${MAX_VERSION_LENGTH} characters`;
  }
  if (/^[vV]/.test(value)) {
    return `version ${shown} starts with "v": Keeper versions are canonical SemVer, e.g. ${JSON.stringify(
      value.slice(1),
    )}`;
  }
  if (value.includes('+')) {
    return `version ${shown} has build metadata ("+..."), which Keeper versions cannot have`;
  }
  if (!CANONICAL.test(value)) {
    return `version ${shown} is not canonical SemVer (MAJOR.MINOR.PATCH[-prerelease], no leading zeros, lower case)`;
  }
  return undefined;
}

/** True when `value` is a canonical Keeper version. */
export function isCanonicalVersion(value: unknown): value is string {
  return versionProblem(value) === undefined;
}

/** Why `value` is not a valid version range, or `undefined` when it is one. */
export function rangeProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) {
    return 'a version range must be a non-empty string';
  }
  if (value.length > MAX_RANGE_LENGTH) {
    return `version range is longer than ${MAX_RANGE_LENGTH} characters`;
  }
  if (semver.validRange(value) === null) {
    return `version range ${JSON.stringify(
      value.slice(0, 80),
    )} is not a valid range (e.g. "^1.2.0", ">=1.2.0 <2.0.0", "~1.4")`;
  }
  return undefined;
}

/** Newest to oldest, by SemVer precedence. */
export function compareVersionsDescending(a: string, b: string): number {
  return semver.rcompare(a, b);
}

/** The highest of `versions` that satisfies `range`, or `undefined`. Throws on a bad range. */
export function resolveRange(
  range: string,
  versions: readonly string[],
): string | undefined {
  const problem = rangeProblem(range);
  if (problem) throw new TypeError(problem);
  return semver.maxSatisfying([...versions], range) ?? undefined;
}
