import {
  DEFAULT_MAX_BYTES,
  MAX_NESTING_DEPTH,
  parseResourceYaml,
} from './parseResourceYaml';

function issuesOf(text: string, maxBytes?: number) {
  const result = parseResourceYaml(text, { maxBytes });
  if (result.ok)
    throw new Error(`expected issues for ${JSON.stringify(text.slice(0, 60))}`);
  return result.issues;
}

function valueOf(text: string) {
  const result = parseResourceYaml(text);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.yaml.value;
}

describe('parseResourceYaml', () => {
  it('parses one mapping with YAML 1.2 core types', () => {
    expect(valueOf('---\na: 1\nb: yes\nc: "2"\nd: [x, {e: null}]\n')).toEqual({
      a: 1,
      b: 'yes',
      c: '2',
      d: ['x', { e: null }],
    });
  });

  it('accepts JSON, which is YAML', () => {
    expect(valueOf('{"apiVersion": "v1", "spec": {"a": [1, 2]}}')).toEqual({
      apiVersion: 'v1',
      spec: { a: [1, 2] },
    });
  });

  it('accepts CRLF line ends and a byte order mark', () => {
    expect(valueOf('\ufeffa: 1\r\nb:\r\n  c: 2\r\n')).toEqual({
      a: 1,
      b: { c: 2 },
    });
  });

  it('refuses a file over the limit without parsing it', () => {
    const huge = 'a'.repeat(10 * 1024 * 1024);
    expect(issuesOf(huge)).toEqual([
      {
        path: '',
        line: 1,
        column: 1,
        message: 'file is 10 MiB; the limit is 1 MiB',
      },
    ]);
    expect(DEFAULT_MAX_BYTES).toBe(1024 * 1024);
  });

  it('counts the limit in UTF-8 bytes and takes a configured limit', () => {
    // 40 characters, 120 bytes
    expect(issuesOf(`a: ${'€'.repeat(40)}`, 100)[0].message).toBe(
      'file is 123 bytes; the limit is 100 bytes',
    );
    expect(parseResourceYaml('a: 1', { maxBytes: 4 }).ok).toBe(true);
  });

  it('names the line of a second document', () => {
    expect(issuesOf('a: 1\nb: 2\n---\nc: 3\n')).toEqual([
      expect.objectContaining({
        line: 3,
        column: 1,
        message: expect.stringContaining('second YAML document'),
      }),
    ]);
    // an empty document after a separator is still a second document
    expect(issuesOf('a: 1\n---\n')[0].line).toBe(2);
  });

  it('reports duplicate keys at the second occurrence', () => {
    expect(issuesOf('a: 1\nb:\n  c: 1\n  "c": 2\n')).toEqual([
      {
        path: '',
        line: 4,
        column: 3,
        message: 'duplicate key "c": a key may appear only once in a mapping',
      },
    ]);
  });

  it('finds duplicate keys in large mappings quickly (linear check)', () => {
    let text = '';
    for (let i = 0; i < 30000; i++) text += `k${i}: ${i}\n`;
    text += 'k7: again\n';
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ line: 30001, column: 1 }),
    ]);
  });

  it.each([
    ['a:\n\tb: 1\n', 2, 1, 'tab used for indentation; YAML allows spaces only'],
    ['a: "x\n', 2, 1, 'YAML syntax error: missing closing "quote'],
    [
      'a: b: c\n',
      1,
      4,
      'YAML syntax error: a mapping cannot start inside this value (quote a value that contains ": ", and check the indentation of the next line)',
    ],
    [
      'a: b\n  c: d\n',
      1,
      4,
      'YAML syntax error: a mapping cannot start inside this value (quote a value that contains ": ", and check the indentation of the next line)',
    ],
    [
      'a: @x\n',
      1,
      4,
      'YAML syntax error: plain value cannot start with reserved character @ (quote the value)',
    ],
    [
      'a: !secret x\n',
      1,
      4,
      'unknown YAML tag !secret; resource files use plain values without tags',
    ],
    [
      '? [a, b]\n: c\n',
      1,
      3,
      'YAML syntax error: with stringKeys, all keys must be strings',
    ],
  ])('locates syntax errors: %j', (text, line, column, message) => {
    expect(issuesOf(text)[0]).toEqual({ path: '', line, column, message });
  });

  it.each([
    ['', 'file is empty'],
    ['# just a comment\n', 'file is empty'],
    ['---\n', 'file is empty'],
    ['- a\n- b\n', 'found a sequence (list)'],
    ['just text\n', 'found a single string value'],
    ['42\n', 'found a single number value'],
  ])('requires a top-level mapping: %j', (text, message) => {
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it('refuses control characters', () => {
    expect(issuesOf('a: 1\nb: x\u0000y\n')).toEqual([
      {
        path: '',
        line: 2,
        column: 5,
        message: 'control character U+0000 is not allowed in YAML',
      },
    ]);
  });

  it('refuses aliases before they could expand', () => {
    let bomb =
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      bomb += `${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    }
    // one issue for all 81 aliases, at the first
    expect(issuesOf(bomb)).toEqual([
      {
        path: '',
        line: 2,
        column: 8,
        message:
          'YAML alias "*a" is not allowed in resource files; write the value out (81 aliases in this file)',
      },
    ]);
    expect(issuesOf('a: &x 1\nb: *x\n')[0].message).toBe(
      'YAML alias "*x" is not allowed in resource files; write the value out',
    );
  });

  it('bounds flow nesting while lexing, even for a megabyte of brackets', () => {
    const n = 500000;
    expect(
      issuesOf(`a: ${'['.repeat(n)}${']'.repeat(n)}\n`, 2 * 1024 * 1024),
    ).toEqual([
      {
        path: '',
        line: 1,
        column: 4 + MAX_NESTING_DEPTH,
        message: `nesting is deeper than ${MAX_NESTING_DEPTH} levels`,
      },
    ]);
    expect(
      parseResourceYaml(`a: ${'['.repeat(60)}${']'.repeat(60)}\n`).ok,
    ).toBe(true);
  });

  it('bounds compact and block nesting', () => {
    expect(issuesOf(`a:\n${'- '.repeat(100000)}x\n`)[0].message).toBe(
      `nesting is deeper than ${MAX_NESTING_DEPTH} levels`,
    );
    const block = Array.from(
      { length: 70 },
      (_, i) => `${' '.repeat(i)}k:`,
    ).join('\n');
    expect(issuesOf(`${block} 1\n`)[0]).toEqual(
      expect.objectContaining({
        line: MAX_NESTING_DEPTH + 1,
        message: expect.stringContaining('nesting'),
      }),
    );
  });

  it('treats a scalar that looks like brackets as a scalar', () => {
    expect(valueOf(`a: "${'['.repeat(100)}"\nb: '- - -'\n`)).toEqual({
      a: '['.repeat(100),
      b: '- - -',
    });
  });

  it('never throws on odd input', () => {
    for (const text of [undefined, null, 42, {}] as any[]) {
      const result = parseResourceYaml(text);
      expect(result.ok).toBe(false);
    }
  });
});

describe('ParsedYaml.locate', () => {
  const text = [
    'apiVersion: v1', // 1
    'metadata:', // 2
    '  name: a', // 3
    '  labels: {x: "1"}', // 4
    'spec:', // 5
    '  list:', // 6
    '  - a: 1', // 7
    '    b:', // 8
    '  - [1, 2]', // 9
    '  text: |', // 10
    '    hello', // 11
    '',
  ].join('\n');
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) throw new Error('fixture must parse');
  const { locate } = parsed.yaml;

  it.each([
    ['/apiVersion', 'value', 1, 13],
    ['/apiVersion', 'key', 1, 1],
    ['/metadata', 'value', 2, 1], // block mapping: its key
    ['/metadata/name', 'value', 3, 9],
    ['/metadata/labels', 'value', 4, 11], // flow mapping: itself
    ['/metadata/labels/x', 'value', 4, 15],
    ['/spec/list/0', 'value', 7, 5],
    ['/spec/list/0/a', 'value', 7, 8],
    ['/spec/list/0/b', 'value', 8, 5], // empty value: its key
    ['/spec/list/1/1', 'value', 9, 9],
    ['/spec/text', 'value', 10, 9],
    ['/spec/missing/deeper', 'value', 5, 1], // nearest parent
    ['/spec/list/7', 'value', 6, 3],
    ['', 'value', 1, 1],
  ] as const)('%s (%s) is at %i:%i', (pointer, target, line, column) => {
    expect(locate(pointer, target)).toEqual({ line, column });
  });
});
