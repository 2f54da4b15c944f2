/*
 * DNS-1123 names: the only names a namespace (a DNS-1123 label) or a resource (a DNS-1123
 * subdomain: labels joined by ".") may have. Neither can contain "/", start with "." or hold
 * "..", so a name that passed this check can never leave its folder of the repo layout.
 */

/** Longest DNS-1123 label (namespaces, and most object names). */
export const DNS1123_LABEL_MAX_LENGTH = 63;

/** Longest DNS-1123 subdomain (object names in general; each kind's schema may allow less). */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${LABEL}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);

/** The two name forms: `label` (no dots, at most 63) and `subdomain` (dots, at most 253). */
export type NameForm = 'label' | 'subdomain';

/**
 * Why a value is not a DNS-1123 name of the given form, or `undefined` when it is one.
 *
 * @remarks
 * The reason is a short phrase meant to follow the value in a message, e.g.
 * `"../x" is not a valid DNS-1123 name: lower case letters, digits and "-" only`.
 */
export function dns1123Problem(
  value: unknown,
  form: NameForm = 'label',
): string | undefined {
  if (typeof value !== 'string') {
    return 'must be a string';
  }
  if (value.length === 0) {
    return 'must not be empty';
  }
  const max =
    form === 'label' ? DNS1123_LABEL_MAX_LENGTH : DNS1123_SUBDOMAIN_MAX_LENGTH;
  if (value.length > max) {
    return `${value.length} characters long, at most ${max} allowed`;
  }
  if ((form === 'label' ? DNS1123_LABEL : DNS1123_SUBDOMAIN).test(value)) {
    return undefined;
  }
  if (form === 'label') {
    return /^[-a-z0-9]+$/.test(value)
      ? 'must start and end with a lower case letter or digit'
      : 'lower case letters, digits and "-" only';
  }
  return /^[-.a-z0-9]+$/.test(value)
    ? 'must start and end with a lower case letter or digit, also around each "."'
    : 'lower case letters, digits, "-" and "." only';
}

/** True when `value` is a DNS-1123 label (lower case letters, digits and "-", at most 63). */
export function isDns1123Label(value: unknown): value is string {
  return dns1123Problem(value, 'label') === undefined;
}

/** True when `value` is a DNS-1123 subdomain (labels joined by ".", at most 253). */
export function isDns1123Subdomain(value: unknown): value is string {
  return dns1123Problem(value, 'subdomain') === undefined;
}

/** A value for a message: JSON-quoted (so control characters show) and cut to a sane length. */
export function quoteForMessage(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The full sentence for a bad name, e.g. `"../x" is not a valid DNS-1123 name: ...`. */
export function describeInvalidName(
  value: unknown,
  form: NameForm = 'label',
): string | undefined {
  const problem = dns1123Problem(value, form);
  return problem
    ? `${quoteForMessage(value)} is not a valid DNS-1123 name: ${problem}`
    : undefined;
}
