import fs from 'node:fs';
import path from 'node:path';
import { ResourceValidator, validate } from './validate';

const FIXTURES = path.join(__dirname, '__fixtures__');

interface ExpectedIssue {
  /** the virtual repository path to validate the file under */
  file?: string;
  layout?: { root?: string };
  path: string;
  line: number;
  column: number;
  messageIncludes: string;
  /** how many issues the file yields; 1 when absent */
  issueCount?: number;
}

const manifest: Record<string, ExpectedIssue> = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'invalid', 'expected.json'), 'utf8'),
);

function listYaml(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.yaml'))
    .map(f => f.split(path.sep).join('/'))
    .sort();
}

describe('validate: the invalid corpus', () => {
  it('has an expectation for every file and a file for every expectation', () => {
    const files = listYaml(path.join(FIXTURES, 'invalid'));
    expect(Object.keys(manifest).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  it.each(Object.entries(manifest))('%s', (name, expected) => {
    const text = fs.readFileSync(path.join(FIXTURES, 'invalid', name), 'utf8');
    const result = validate(text, expected.file, { layout: expected.layout });
    expect(result.ok).toBe(false);
    expect(result.issues).toHaveLength(expected.issueCount ?? 1);
    expect(result.issues[0]).toEqual({
      ...(expected.file ? { file: expected.file } : {}),
      path: expected.path,
      line: expected.line,
      column: expected.column,
      message: expect.stringContaining(expected.messageIncludes),
    });
  });
});

describe('validate: generated hostile input', () => {
  it('refuses a 10 MB file without parsing it', () => {
    const huge = `apiVersion: v1\nkind: Workspace\nspec:\n  x: "${'a'.repeat(
      10 * 1024 * 1024,
    )}"\n`;
    expect(validate(huge, 'workspaces/a/b.yaml')).toEqual({
      ok: false,
      issues: [
        {
          file: 'workspaces/a/b.yaml',
          path: '',
          line: 1,
          column: 1,
          message: 'file is 10 MiB; the limit is 1 MiB',
        },
      ],
    });
  });

  it('refuses one byte over the limit and honours a configured limit', () => {
    const base = fs.readFileSync(
      path.join(FIXTURES, 'valid', 'workspaces', 'team-a', 'jane-dev.yaml'),
      'utf8',
    );
    const padded = base + '#'.repeat(1024 * 1024 - Buffer.byteLength(base) + 1);
    expect(validate(padded).issues[0].message).toBe(
      'file is 1 MiB; the limit is 1 MiB',
    );
    expect(validate(padded.slice(0, -1)).ok).toBe(true);
    expect(
      validate(base, undefined, { maxBytes: 100 }).issues[0].message,
    ).toMatch(/^file is \d+ bytes; the limit is 100 bytes$/);
  });

  it('refuses half a million nested brackets quickly', () => {
    const n = 500000;
    const text = `apiVersion: v1\nkind: Workspace\nspec: ${'['.repeat(
      n,
    )}${']'.repeat(n)}\n`;
    expect(validate(text).issues).toEqual([
      expect.objectContaining({
        line: 3,
        column: 71,
        message: 'nesting is deeper than 64 levels',
      }),
    ]);
  });

  it('never throws, whatever the input', () => {
    const base = fs.readFileSync(
      path.join(FIXTURES, 'valid', 'pipelines', 'team-a', 'app-logs.yaml'),
      'utf8',
    );
    // every prefix of a valid file, and deterministic byte noise
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const inputs: string[] = [];
    for (let i = 0; i < base.length; i += 7) inputs.push(base.slice(0, i));
    const noise = '\n\t :-[]{}&*!|>\'"%@`#,?\u0000\u00e9\ud83d\ude00';
    for (let i = 0; i < 300; i++) {
      const chars = base.split('');
      for (let j = 0; j < 5; j++) {
        chars[Math.floor(random() * chars.length)] =
          noise[Math.floor(random() * noise.length)];
      }
      inputs.push(chars.join(''));
    }
    for (const input of [...inputs, undefined, null, 42, {}] as any[]) {
      const result = validate(input);
      expect(typeof result.ok).toBe('boolean');
      for (const issue of result.issues) {
        expect(issue.line).toBeGreaterThanOrEqual(1);
        expect(issue.column).toBeGreaterThanOrEqual(1);
        expect(issue.message.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('validate: valid files', () => {
  const files = listYaml(path.join(FIXTURES, 'valid'));

  it.each(files)('accepts %s at its layout path', file => {
    const text = fs.readFileSync(path.join(FIXTURES, 'valid', file), 'utf8');
    const result = validate(text, file);
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.resource?.metadata.name).toBe(path.basename(file, '.yaml'));
  });

  it('covers every kind', () => {
    expect(new Set(files.map(f => f.split('/')[0]))).toEqual(
      new Set([
        'workspaces',
        'workspace-templates',
        'tenant-addons',
        'artifacts',
        'artifact-versions',
        'pipelines',
      ]),
    );
  });

  it('accepts the path with "./" and backslashes, and reports the path as given', () => {
    const text = fs.readFileSync(
      path.join(
        FIXTURES,
        'valid',
        'artifacts',
        'team-a',
        'terraform-aws-vpc.yaml',
      ),
      'utf8',
    );
    expect(validate(text, './artifacts/team-a/terraform-aws-vpc.yaml').ok).toBe(
      true,
    );
    expect(validate(text, 'artifacts\\team-a\\terraform-aws-vpc.yaml').ok).toBe(
      true,
    );
    expect(validate(text, './artifacts/team-a/vpc.yaml').issues[0].file).toBe(
      './artifacts/team-a/vpc.yaml',
    );
  });
});

describe('validate: issues', () => {
  it('reports every problem of a file at once, ordered by position', () => {
    const text = [
      'apiVersion: butler.butlerlabs.dev/v1alpha1',
      'kind: Workspace',
      'metadata:',
      '  name: Jane',
      '  namespace: team-a',
      'spec:',
      '  clusterRef:',
      '    name: dev',
      '  image: x',
      '  owner: jane@example.com',
      '  resources:',
      '    cpu: lots',
      '  extra: 1',
      '',
    ].join('\n');
    const result = validate(text, 'workspaces/team-a/jane.yaml');
    expect(result.issues.map(i => [i.line, i.column, i.path])).toEqual([
      [4, 9, '/metadata/name'],
      [12, 10, '/spec/resources/cpu'],
      [13, 3, '/spec/extra'],
    ]);
    expect(
      result.issues.every(i => i.file === 'workspaces/team-a/jane.yaml'),
    ).toBe(true);
  });

  it('reports a secret even when the kind is unknown', () => {
    const result = validate(
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  token: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n',
    );
    expect(result.issues.map(i => i.path)).toEqual(['/kind', '/data/token']);
  });

  it('gives the resource back when the file is valid', () => {
    const text = fs.readFileSync(
      path.join(FIXTURES, 'valid', 'tenant-addons', 'team-a', 'podinfo.yaml'),
      'utf8',
    );
    const result = validate(text);
    expect(result.ok && result.resource).toMatchObject({
      kind: 'TenantAddon',
      metadata: { name: 'podinfo', namespace: 'team-a' },
      spec: { helm: { chart: 'podinfo' } },
    });
  });
});

describe('ResourceValidator', () => {
  it('validates independently of the shared instance', () => {
    const validator = new ResourceValidator();
    const text = fs.readFileSync(
      path.join(FIXTURES, 'invalid', 'bad-pattern-cpu.yaml'),
      'utf8',
    );
    const first = validator.validate(text);
    const second = validator.validate(text);
    expect(second).toEqual(first);
    expect(first.issues[0].path).toBe('/spec/resources/cpu');
  });
});
