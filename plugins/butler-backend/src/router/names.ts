/*
 * Names and namespaces in request paths must be DNS-1123 labels, as Kubernetes requires of
 * namespaces and the portal of workspace names: anything else (`../x`, upper case, dots) is a
 * 400 naming the parameter, before it reaches a URL of the Kubernetes API.
 */
import { InputError } from '@backstage/errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_LENGTH = 63;

export function isDns1123Label(value: string): boolean {
  return value.length <= MAX_LENGTH && DNS1123_LABEL.test(value);
}

/** @throws InputError naming the parameter and the rule */
export function requireDns1123Label(what: string, value: unknown): string {
  if (typeof value !== 'string' || !isDns1123Label(value)) {
    throw new InputError(
      `${what} ${JSON.stringify(
        value,
      )} is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${MAX_LENGTH} characters)`,
    );
  }
  return value;
}
