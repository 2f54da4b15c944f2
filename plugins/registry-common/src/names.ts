/*
 * The name rule: an ArtifactVersion is named `<artifact>-<version>`, so that each version has one
 * file and a name is never typed freely.
 */
import { versionProblem } from './semver';

/** The record name of a version of an artifact. */
export function versionRecordName(artifact: string, version: string): string {
  return `${artifact}-${version}`;
}

/** Why `name` is not the right name of version `version` of `artifact`, or `undefined`. */
export function versionNameProblem(
  name: string,
  artifact: string,
  version: string,
): string | undefined {
  const problem = versionProblem(version);
  if (problem) return problem;
  const expected = versionRecordName(artifact, version);
  return name === expected
    ? undefined
    : `the name of version ${version} of ${artifact} must be ${JSON.stringify(
        expected,
      )}, not ${JSON.stringify(name)}`;
}
