/*
 * The apiserver's checks of ObjectMeta that every resource shares: names, label and annotation
 * syntax, the annotation size limit. Messages are the apiserver's.
 */
import { FieldError } from './status';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export type NameRule = 'dns1123Label' | 'dns1123Subdomain';

export function nameProblem(name: string, rule: NameRule): string | undefined {
  if (rule === 'dns1123Label') {
    if (name.length > 63) return 'must be no more than 63 characters';
    if (!DNS1123_LABEL.test(name)) {
      return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    }
    return undefined;
  }
  if (name.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
  return undefined;
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && nameProblem(prefix, 'dns1123Subdomain')) {
    return `prefix part ${nameProblem(prefix, 'dns1123Subdomain')}`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') and be no more than 63 characters";
  }
  return undefined;
}

export function validateObjectMeta(
  metadata: Record<string, any>,
  nameRule: NameRule,
): FieldError[] {
  const errors: FieldError[] = [];
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    errors.push({
      field: 'metadata.name',
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
    });
  } else {
    const problem = nameProblem(name, nameRule);
    if (problem) {
      errors.push({
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(name)}: ${problem}`,
      });
    }
  }
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) {
      errors.push({
        field: 'metadata.labels',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(key)}: ${keyProblem}`,
      });
    }
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      !LABEL_VALUE.test(value)
    ) {
      errors.push({
        field: `metadata.labels`,
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(
          value,
        )}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      });
    }
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) {
      errors.push({
        field: 'metadata.annotations',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(key)}: ${keyProblem}`,
      });
    }
    annotationBytes +=
      Buffer.byteLength(key) + Buffer.byteLength(String(value ?? ''));
  }
  if (annotationBytes > TOTAL_ANNOTATION_SIZE) {
    errors.push({
      field: 'metadata.annotations',
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${TOTAL_ANNOTATION_SIZE} bytes`,
    });
  }
  for (const [i, finalizer] of (metadata.finalizers ?? []).entries()) {
    const problem =
      typeof finalizer === 'string'
        ? qualifiedNameProblem(finalizer)
        : 'must be a string';
    if (problem) {
      errors.push({
        field: `metadata.finalizers[${i}]`,
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(finalizer)}: ${problem}`,
      });
    }
  }
  return errors;
}
