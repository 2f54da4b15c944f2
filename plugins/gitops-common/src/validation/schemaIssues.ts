/*
 * ajv reports errors for machines ("must match pattern ^(\+|-)?((...", "must NOT have additional
 * properties"). People get the field, the value, what is allowed, and the schema's own words
 * about the field; the schemas' descriptions ("Butler Portal: a Kubernetes quantity (e.g. ...)")
 * are written to be quoted here.
 */
import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from '../kinds/types';
import { describeInvalidName, quoteForMessage } from '../layout/names';
import type { ParsedYaml } from '../yaml/parseResourceYaml';
import { describePointer, parsePointer, toPointer } from '../yaml/pointer';

const FORMAT_NAMES: Record<string, string> = {
  email: 'email address',
  uri: 'URI',
  'uri-reference': 'URI reference',
  'date-time': 'date and time (RFC 3339, e.g. "2024-05-01T12:00:00Z")',
  date: 'date (e.g. "2024-05-01")',
  hostname: 'host name',
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
};

type SchemaObject = Record<string, any>;

/** An issue before it is placed in the file. */
interface LocatedMessage {
  pointer: string;
  /** where in the file: the value at `pointer`, or its key */
  target: 'key' | 'value';
  /** when set, the position comes from this pointer instead of `pointer` */
  locateAt?: string;
  message: string;
}

/**
 * Turns ajv errors (from a validator compiled with `allErrors` and `verbose`) into issues with
 * readable messages and the position of the offending node in the file, in file order.
 */
export function schemaIssues(
  errors: readonly ErrorObject[],
  rootSchema: SchemaObject,
  yaml: ParsedYaml,
): ValidationIssue[] {
  const branchHints = collectBranchHints(errors);
  // an empty string fails every pattern too; "must not be empty" says it all
  const emptyAt = new Set(
    errors
      .filter(e => e.keyword === 'minLength' && e.data === '')
      .map(e => e.instancePath),
  );
  const kept = collapseAlternatives(
    errors.filter(
      e =>
        e.keyword !== 'if' &&
        e.keyword !== 'propertyNames' &&
        !(e.keyword === 'pattern' && emptyAt.has(e.instancePath)),
    ),
  );
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of kept) {
    const described = describeError(error, rootSchema);
    const hint = branchHints.find(h =>
      error.schemaPath.startsWith(h.prefix),
    )?.hint;
    const message = hint ? `${described.message} (${hint})` : described.message;
    const key = `${described.pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const position = yaml.locate(
      described.locateAt ?? described.pointer,
      described.target,
    );
    issues.push({ path: described.pointer, ...position, message });
  }
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * `if`/`then`/`else` errors carry no words of their own; the description of the failing branch
 * ("helm is set, so addon must not be: ...") explains the errors found inside it.
 */
function collectBranchHints(
  errors: readonly ErrorObject[],
): { prefix: string; hint: string }[] {
  const hints: { prefix: string; hint: string }[] = [];
  for (const error of errors) {
    const branch = error.params?.failingKeyword;
    const description = (error.parentSchema as SchemaObject | undefined)?.[
      branch
    ]?.description;
    if (error.keyword === 'if' && typeof description === 'string') {
      hints.push({
        prefix: `${error.schemaPath.replace(/\/if$/, '')}/${branch}/`,
        hint: oneLine(description),
      });
    }
  }
  return hints;
}

/**
 * For `anyOf`/`oneOf`, ajv reports every failing alternative. When every alternative failed on
 * its type, one message names the accepted types; otherwise the errors of the alternative that
 * matched the type (the one closest to valid) stand for the whole.
 */
function collapseAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const replace = new Map<ErrorObject, ErrorObject>();
  for (const alt of errors) {
    if ((alt.keyword !== 'anyOf' && alt.keyword !== 'oneOf') || drop.has(alt))
      continue;
    const prefix = `${alt.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      if (e.schemaPath.startsWith(prefix)) {
        const index = e.schemaPath.slice(prefix.length).split('/')[0];
        branches.set(index, [...(branches.get(index) ?? []), e]);
        drop.add(e);
      }
    }
    const isTypeMiss = (list: ErrorObject[]) =>
      list.every(
        e => e.keyword === 'type' && e.instancePath === alt.instancePath,
      );
    const closest = [...branches.values()]
      .filter(list => !isTypeMiss(list))
      .sort((a, b) => a.length - b.length)[0];
    if (closest) {
      closest.forEach(e => drop.delete(e));
      drop.add(alt);
    } else if (branches.size > 0) {
      const types = [...branches.values()].map(list =>
        String(list[0].params.type),
      );
      replace.set(alt, {
        ...alt,
        keyword: 'type',
        params: { type: types.join(',') },
      });
    }
  }
  return errors.filter(e => !drop.has(e)).map(e => replace.get(e) ?? e);
}

function describeError(
  error: ErrorObject,
  rootSchema: SchemaObject,
): LocatedMessage {
  const pointer = error.instancePath;
  const at = describePointer(pointer);
  const data = error.data;
  const params = error.params as Record<string, any>;
  const schema = (error.parentSchema ?? {}) as SchemaObject;
  const propertyName = (error as { propertyName?: string }).propertyName;

  if (propertyName !== undefined) {
    // a rule of `propertyNames`: the key itself is wrong
    const keyPointer = `${pointer}${toPointer([propertyName])}`;
    const hint = fieldHint(error.schemaPath, rootSchema)?.text;
    const what =
      error.keyword === 'not'
        ? 'is not allowed here'
        : `is not valid${hint ? '' : `: ${plainMessage(error)}`}`;
    return {
      pointer: keyPointer,
      target: 'key',
      message: `${at}: key ${quoteForMessage(propertyName)} ${what}${
        hint ? ` (${hint})` : ''
      }`,
    };
  }

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return {
        pointer: `${pointer}${toPointer([missing])}`,
        locateAt: pointer,
        target: 'value',
        message: `${
          pointer === '' ? '' : `${at}: `
        }missing required field ${quoteForMessage(missing)}`,
      };
    }
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const fieldPointer = `${pointer}${toPointer([field])}`;
      if (pointer === '' && field === 'status') {
        return {
          pointer: fieldPointer,
          target: 'key',
          message:
            'status: must not be in Git; the controller writes it on the cluster (remove the status section)',
        };
      }
      const allowed = Object.keys(schema.properties ?? {});
      const where =
        pointer === '' ? 'unknown top-level field' : `${at}: unknown field`;
      return {
        pointer: fieldPointer,
        target: 'key',
        message: `${where} ${quoteForMessage(field)}${
          allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''
        }`,
      };
    }
    case 'type': {
      const expected = String(params.type).split(',');
      const quoteHint =
        expected.includes('string') &&
        (typeof data === 'number' || typeof data === 'boolean')
          ? ` (write it in quotes: "${String(data)}")`
          : '';
      return {
        pointer,
        target: 'value',
        message: `${at}: must be ${expected
          .map(withArticle)
          .join(' or ')}, found ${describeValue(data)}${quoteHint}`,
      };
    }
    case 'enum':
      return {
        pointer,
        target: 'value',
        message: `${at}: must be one of ${(params.allowedValues as unknown[])
          .map(v => quoteForMessage(v))
          .join(', ')}; found ${describeValue(data)}`,
      };
    case 'const':
      return {
        pointer,
        target: 'value',
        message: `${at}: must be ${quoteForMessage(
          params.allowedValue,
        )}; found ${describeValue(data)}`,
      };
    case 'pattern':
      return {
        pointer,
        target: 'value',
        message: patternMessage(error, at, rootSchema),
      };
    case 'format':
      return {
        pointer,
        target: 'value',
        message: `${at}: ${quoteForMessage(data)} is not a valid ${
          FORMAT_NAMES[params.format] ?? params.format
        }`,
      };
    case 'minLength':
      return {
        pointer,
        target: 'value',
        message:
          params.limit === 1
            ? `${at}: must not be empty`
            : `${at}: must be at least ${params.limit} characters long, found ${
                String(data).length
              }`,
      };
    case 'maxLength':
      return {
        pointer,
        target: 'value',
        message: `${at}: must be at most ${
          params.limit
        } characters long, found ${String(data).length}`,
      };
    case 'minItems':
    case 'maxItems':
      return {
        pointer,
        target: 'value',
        message: `${at}: must have ${
          error.keyword === 'minItems' ? 'at least' : 'at most'
        } ${params.limit} item${params.limit === 1 ? '' : 's'}, found ${
          Array.isArray(data) ? data.length : 0
        }`,
      };
    case 'minProperties':
    case 'maxProperties': {
      const keys = data && typeof data === 'object' ? Object.keys(data) : [];
      const hint = fieldHint(error.schemaPath, rootSchema)?.text;
      return {
        pointer,
        target: 'value',
        message: `${at}: must have ${
          error.keyword === 'minProperties' ? 'at least' : 'at most'
        } ${params.limit} field${params.limit === 1 ? '' : 's'}, found ${
          keys.length
        }${keys.length > 0 ? ` (${keys.join(', ')})` : ''}${
          hint ? `; ${lowerFirst(hint)}` : ''
        }`,
      };
    }
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const earlier = Math.min(Number(params.i), Number(params.j));
      return {
        pointer: `${pointer}/${later}`,
        target: 'value',
        message: `${at}: items ${earlier} and ${later} are identical; each item must be unique`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        pointer,
        target: 'value',
        message: `${at}: must be ${params.comparison} ${
          params.limit
        }, found ${describeValue(data)}`,
      };
    case 'false schema':
      return { pointer, target: 'key', message: `${at}: not allowed here` };
    default:
      return {
        pointer,
        target: 'value',
        message: `${at}: ${plainMessage(error)}`,
      };
  }
}

function patternMessage(
  error: ErrorObject,
  at: string,
  rootSchema: SchemaObject,
): string {
  const pattern = String((error.params as { pattern: string }).pattern);
  const segments = parsePointer(error.instancePath);
  if (
    segments.length === 2 &&
    segments[0] === 'metadata' &&
    (segments[1] === 'name' || segments[1] === 'namespace')
  ) {
    // the schema's name pattern allows dots exactly when the kind's names are subdomains
    const form = safeRegExp(pattern)?.test('a.b') ? 'subdomain' : 'label';
    const problem = describeInvalidName(error.data, form);
    if (problem) return `${at}: ${problem}`;
  }
  const hint = fieldHint(error.schemaPath, rootSchema);
  const examples = (error.parentSchema as SchemaObject | undefined)?.examples;
  const exampleText =
    Array.isArray(examples) &&
    examples.length > 0 &&
    !hint?.text.includes('e.g.')
      ? `e.g. ${examples
          .slice(0, 3)
          .map(e => quoteForMessage(e))
          .join(' or ')}`
      : undefined;
  const value = `${at}: ${quoteForMessage(error.data)} is not valid`;
  if (hint?.portal) {
    // written for this message: "a Kubernetes quantity (e.g. "2", "500m", "4Gi")"
    return `${value}: expected ${lowerFirst(hint.text)}${
      exampleText ? ` (${exampleText})` : ''
    }`;
  }
  const about = hint ? ` (${hint.text})` : '';
  if (exampleText) return `${value}${about}; ${exampleText}`;
  // a description with examples of its own explains enough; otherwise show the rule itself
  return hint?.text.includes('e.g.')
    ? `${value}${about}`
    : `${value}${about}: must match the pattern ${pattern}`;
}

/**
 * The words a schema has for the field whose rule failed: the part of its description written
 * for the portal ("Butler Portal: ...", `portal: true`), else the description's first sentence.
 * Unnamed subschemas (`items`, `additionalProperties`, `propertyNames`, alternatives of
 * `anyOf`/`oneOf`/`allOf`) borrow their holder's.
 */
function fieldHint(
  schemaPath: string,
  rootSchema: SchemaObject,
): { text: string; portal: boolean } | undefined {
  const segments = parsePointer(schemaPath.replace(/^#/, ''));
  segments.pop(); // the failing keyword itself
  for (;;) {
    const description = schemaAt(rootSchema, segments)?.description;
    if (typeof description === 'string' && description.trim() !== '') {
      return firstSentence(description);
    }
    const last = segments[segments.length - 1];
    const parent = segments[segments.length - 2];
    if (
      /^[0-9]+$/.test(last ?? '') &&
      ['anyOf', 'oneOf', 'allOf'].includes(parent ?? '')
    ) {
      segments.splice(-2, 2);
    } else if (
      ['items', 'additionalProperties', 'propertyNames'].includes(last ?? '')
    ) {
      segments.pop();
    } else {
      return undefined;
    }
  }
}

function schemaAt(
  root: SchemaObject,
  segments: string[],
): SchemaObject | undefined {
  let node: unknown = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node && typeof node === 'object' ? (node as SchemaObject) : undefined;
}

function firstSentence(description: string): { text: string; portal: boolean } {
  const portal = description.split('Butler Portal: ')[1];
  const text = oneLine(portal ?? description);
  const end = text.search(/\.(\s+(?=[A-Z])|$)/);
  const sentence = end >= 0 ? text.slice(0, end) : text;
  return {
    text: sentence.length > 300 ? `${sentence.slice(0, 299)}…` : sentence,
    portal: portal !== undefined,
  };
}

function withArticle(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'null':
      return 'null';
    case 'integer':
      return 'an integer';
    default:
      return `a ${type}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return `the string ${quoteForMessage(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    default:
      return typeof value;
  }
}

function plainMessage(error: ErrorObject): string {
  return (error.message ?? `fails the "${error.keyword}" rule`).replace(
    /"/g,
    '',
  );
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text)
    ? text.charAt(0).toLowerCase() + text.slice(1)
    : text;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}
