import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parseResourceYaml } from '../yaml/parseResourceYaml';
import { schemaIssues } from './schemaIssues';

const SCHEMA = {
  type: 'object',
  required: ['spec'],
  additionalProperties: false,
  properties: {
    status: {},
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, pattern: '^[a-z]+$' },
        size: {
          description:
            'Disk size.\nButler Portal: a quantity in Gi (e.g. "1Gi"); nothing else.',
          type: 'string',
          pattern: '^[0-9]+Gi$',
        },
        mode: {
          anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[a-z]+$' }],
        },
        level: { type: 'string', enum: ['low', 'high'] },
        version: {
          type: 'string',
          pattern: '^v[0-9]+$',
          examples: ['v1', 'v2'],
        },
        digest: {
          description: 'A digest.',
          type: 'string',
          pattern: '^sha:[0-9]+$',
        },
        email: { type: 'string', format: 'email' },
        fixed: { const: 'x' },
        count: { type: 'integer', minimum: 1 },
        title: { type: 'string', maxLength: 5 },
        tags: { type: 'array', uniqueItems: true, maxItems: 3 },
        ids: {
          type: 'object',
          propertyNames: {
            description: 'Ids: lower case letters.',
            pattern: '^[a-z]+$',
          },
        },
        source: {
          description: 'Exactly one of a or b.',
          type: 'object',
          maxProperties: 1,
        },
        helm: { type: 'object' },
        addon: { type: 'string' },
      },
      if: { required: ['helm'] },
      then: {
        description: 'helm is set, so addon must not be.',
        properties: { addon: false },
      },
    },
  },
};

function issuesFor(text: string) {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  addFormats(ajv);
  const check = ajv.compile(SCHEMA);
  expect(check(parsed.yaml.value)).toBe(false);
  return schemaIssues(check.errors ?? [], SCHEMA, parsed.yaml);
}

describe('schemaIssues', () => {
  it('quotes the portal part of a description for a pattern', () => {
    expect(issuesFor('spec:\n  name: a\n  size: 10GB\n')).toEqual([
      {
        path: '/spec/size',
        line: 3,
        column: 9,
        message:
          'spec.size: "10GB" is not valid: expected a quantity in Gi (e.g. "1Gi"); nothing else',
      },
    ]);
  });

  it('uses examples, or else the description and the pattern', () => {
    expect(
      issuesFor('spec:\n  name: a\n  version: "1"\n  digest: md5\n').map(
        i => i.message,
      ),
    ).toEqual([
      'spec.version: "1" is not valid; e.g. "v1" or "v2"',
      'spec.digest: "md5" is not valid (A digest): must match the pattern ^sha:[0-9]+$',
    ]);
  });

  it('names the accepted types when every alternative fails on its type', () => {
    expect(issuesFor('spec:\n  name: a\n  mode: [1]\n')).toEqual([
      {
        path: '/spec/mode',
        line: 3,
        column: 9,
        message: 'spec.mode: must be an integer or a string, found a list',
      },
    ]);
  });

  it('reports the alternative that matched the type', () => {
    expect(
      issuesFor('spec:\n  name: a\n  mode: ABC\n').map(i => i.message),
    ).toEqual([
      'spec.mode: "ABC" is not valid: must match the pattern ^[a-z]+$',
    ]);
  });

  it('points at the key for unknown fields and names the allowed ones', () => {
    expect(issuesFor('spec:\n  name: a\n  colour: red\nextra: 1\n')).toEqual([
      {
        path: '/spec/colour',
        line: 3,
        column: 3,
        message:
          'spec: unknown field "colour" (allowed: name, size, mode, level, version, digest, email, fixed, count, title, tags, ids, source, helm, addon)',
      },
      {
        path: '/extra',
        line: 4,
        column: 1,
        message: 'unknown top-level field "extra" (allowed: status, spec)',
      },
    ]);
  });

  it('says why status does not belong in Git', () => {
    const schema = { ...SCHEMA, properties: { spec: SCHEMA.properties.spec } };
    const parsed = parseResourceYaml(
      'spec:\n  name: a\nstatus:\n  phase: Running\n',
    );
    if (!parsed.ok) throw new Error();
    const check = new Ajv({
      allErrors: true,
      verbose: true,
      strict: false,
    }).compile(schema);
    check(parsed.yaml.value);
    expect(schemaIssues(check.errors ?? [], schema, parsed.yaml)).toEqual([
      {
        path: '/status',
        line: 3,
        column: 1,
        message:
          'status: must not be in Git; the controller writes it on the cluster (remove the status section)',
      },
    ]);
  });

  it('places a missing field at its parent and names it', () => {
    expect(issuesFor('# comment\nspec:\n  size: 1Gi\n')).toEqual([
      {
        path: '/spec/name',
        line: 2,
        column: 1,
        message: 'spec: missing required field "name"',
      },
    ]);
    expect(issuesFor('# comment\nother: 1\n')).toEqual([
      {
        path: '/spec',
        line: 2,
        column: 1,
        message: 'missing required field "spec"',
      },
      expect.objectContaining({ path: '/other', line: 2, column: 1 }),
    ]);
  });

  it('reports an empty value once, without its pattern', () => {
    expect(issuesFor('spec:\n  name: ""\n').map(i => i.message)).toEqual([
      'spec.name: must not be empty',
    ]);
  });

  it('points at a bad key, with the words of its schema', () => {
    expect(
      issuesFor('spec:\n  name: a\n  ids:\n    good: 1\n    Bad.Id: 2\n'),
    ).toEqual([
      {
        path: '/spec/ids/Bad.Id',
        line: 5,
        column: 5,
        message:
          'spec.ids: key "Bad.Id" is not valid (Ids: lower case letters)',
      },
    ]);
  });

  it('explains errors inside if/then with the branch description', () => {
    expect(issuesFor('spec:\n  name: a\n  helm: {}\n  addon: x\n')).toEqual([
      {
        path: '/spec/addon',
        line: 4,
        column: 3,
        message:
          'spec.addon: not allowed here (helm is set, so addon must not be.)',
      },
    ]);
  });

  it('describes enum, const, format, minimum, maxLength, uniqueItems, maxItems and maxProperties', () => {
    const text = [
      'spec:',
      '  name: a',
      '  level: medium',
      '  fixed: y',
      '  email: nope',
      '  count: 0',
      '  title: toolong',
      '  tags: [a, b, a, c]',
      '  source: {a: 1, b: 2}',
      '',
    ].join('\n');
    expect(
      issuesFor(text).map(i => `${i.line}:${i.column} ${i.message}`),
    ).toEqual([
      '3:10 spec.level: must be one of "low", "high"; found the string "medium"',
      '4:10 spec.fixed: must be "x"; found the string "y"',
      '5:10 spec.email: "nope" is not a valid email address',
      '6:10 spec.count: must be >= 1, found the number 0',
      '7:10 spec.title: must be at most 5 characters long, found 7',
      '8:9 spec.tags: must have at most 3 items, found 4',
      '8:16 spec.tags: items 0 and 2 are identical; each item must be unique',
      '9:11 spec.source: must have at most 1 field, found 2 (a, b); exactly one of a or b',
    ]);
  });

  it('suggests quotes when a number stands where a string belongs', () => {
    expect(issuesFor('spec:\n  name: 12\n').map(i => i.message)).toEqual([
      'spec.name: must be a string, found the number 12 (write it in quotes: "12")',
    ]);
  });
});
