/*
 * Label and field selectors with the apiserver's grammar:
 *   key=value  key==value  key!=value  key in (a,b)  key notin (a,b)  key  !key
 * joined by commas. As on a real server, `!=` and `notin` also match objects without the label.
 * Field selectors take `=`, `==` and `!=` on metadata.name and metadata.namespace only — the
 * fields every resource supports.
 */
import { badRequest } from './status';

type Operator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function fail(selector: string, why: string): never {
  throw badRequest(
    `unable to parse requirement: ${why} (selector ${JSON.stringify(
      selector,
    )})`,
  );
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) fail(selector, "unexpected ')'");
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) fail(selector, "missing ')'");
  terms.push(current);
  return terms;
}

function checkKey(selector: string, key: string): string {
  if (!KEY.test(key)) {
    fail(
      selector,
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return key;
}

function checkValue(selector: string, value: string): string {
  if (value.length > 63 || !VALUE.test(value)) {
    fail(
      selector,
      `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return value;
}

/** Parses a label selector; an empty selector matches everything. */
export function parseLabelSelector(selector: string): Requirement[] {
  if (selector.trim() === '') return [];
  return splitTerms(selector).map(raw => {
    const term = raw.trim();
    if (term === '') fail(selector, 'found empty requirement');
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
    if (set) {
      const values = set[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v !== '');
      if (values.length === 0) {
        fail(
          selector,
          "for 'in', 'notin' operators, values set can't be empty",
        );
      }
      return {
        key: checkKey(selector, set[1]),
        operator: set[2] as Operator,
        values: values.map(v => checkValue(selector, v)),
      };
    }
    const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (cmp) {
      return {
        key: checkKey(selector, cmp[1]),
        operator: cmp[2] === '!=' ? '!=' : '=',
        values: [checkValue(selector, cmp[3].trim())],
      };
    }
    if (term.startsWith('!')) {
      return {
        key: checkKey(selector, term.slice(1).trim()),
        operator: '!exists',
        values: [],
      };
    }
    if (/\s/.test(term)) {
      fail(
        selector,
        `found '${
          term.split(/\s+/)[1]
        }', expected: in, notin, =, ==, !=, gt, lt`,
      );
    }
    return { key: checkKey(selector, term), operator: 'exists', values: [] };
  });
}

export function matchesLabels(
  requirements: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const all = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(all, r.key);
    const value = all[r.key];
    switch (r.operator) {
      case '=':
        return has && value === r.values[0];
      case '!=':
        return !has || value !== r.values[0];
      case 'in':
        return has && r.values.includes(value);
      case 'notin':
        return !has || !r.values.includes(value);
      case 'exists':
        return has;
      case '!exists':
        return !has;
      default:
        return false;
    }
  });
}

export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  equals: boolean;
  value: string;
}

/** Parses a field selector on metadata.name / metadata.namespace. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  return selector.split(',').map(raw => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) {
      throw badRequest(`invalid field selector: ${JSON.stringify(raw)}`);
    }
    if (m[1] !== 'metadata.name' && m[1] !== 'metadata.namespace') {
      throw badRequest(
        `field label not supported: ${m[1]} (this test server supports metadata.name and metadata.namespace)`,
      );
    }
    return { field: m[1], equals: m[2] !== '!=', value: m[3] };
  });
}

export function matchesFields(
  requirements: FieldRequirement[],
  metadata: { name?: string; namespace?: string },
): boolean {
  return requirements.every(r => {
    const actual =
      (r.field === 'metadata.name' ? metadata.name : metadata.namespace) ?? '';
    return (actual === r.value) === r.equals;
  });
}
