/*
 * Path parameters of the protocol routes. Express has already decoded them, so `%2e%2e` arrives
 * as `..`; every part must be a DNS-1123 label (namespaces, names) or a canonical version, which
 * no traversal, slash or control character can pass.
 */
import { isDns1123Label } from '@butler-portal/plugin-gitops-common';
import { versionProblem } from '@butler-portal/plugin-registry-common';
import { badRequest } from '../errors';

export function labelParam(value: string | undefined, what: string): string {
  if (!isDns1123Label(value)) {
    throw badRequest(
      `${what} ${JSON.stringify(
        String(value).slice(0, 80),
      )} is not a valid name (lower-case letters, digits and "-")`,
    );
  }
  return value;
}

export function versionParam(value: string | undefined): string {
  const problem = versionProblem(value);
  if (problem) throw badRequest(problem);
  return value!;
}
