import {
  YamlEditError,
  applyChangesToYaml,
  applyObjectToYaml,
  diffValues,
} from './applyObjectToYaml';
import { parseResourceYaml } from './parseResourceYaml';
import { thrownBy } from '../__testUtils__/thrownBy';

const ORIGINAL = `# Jane's workspace: keep it small
apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: jane-dev   # the short name
  namespace: team-a

  labels: {app: ws, tier: 'dev'}
spec:
  clusterRef:
    name: dev-cluster
  image: "ghcr.io/butlerdotdev/workspace-base:1.2.0"
  owner: jane@example.com
  # sized for the monorepo
  resources:
    cpu: '2'
    memory: 4Gi
  repositories:
  - url: https://github.com/acme/api
    branch: main
  - url: https://github.com/acme/web
  - url: https://github.com/acme/docs
  editorConfig:
    neovimInitLua: >
      folded text that a re-print
      would join on one line
`;

function valueOf(text: string): any {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.yaml.value;
}

/** The changed lines, as `-old` / `+new`, by a plain line diff (LCS). */
function lineDiff(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const lcs = Array.from({ length: x.length + 1 }, () =>
    new Array<number>(y.length + 1).fill(0),
  );
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i][j] =
        x[i] === y[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (
      i < x.length &&
      (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])
    ) {
      out.push(`-${x[i++]}`);
    } else {
      out.push(`+${y[j++]}`);
    }
  }
  return out;
}

function edit(change: (resource: any) => void): {
  text: string;
  diff: string[];
} {
  const desired = valueOf(ORIGINAL);
  change(desired);
  const text = applyObjectToYaml(ORIGINAL, desired);
  expect(valueOf(text)).toEqual(JSON.parse(JSON.stringify(desired)));
  return { text, diff: lineDiff(ORIGINAL, text) };
}

describe('applyObjectToYaml', () => {
  it('changes one field with a one-line diff, keeping the quote style', () => {
    expect(edit(r => (r.spec.resources.cpu = '4')).diff).toEqual([
      "-    cpu: '2'",
      "+    cpu: '4'",
    ]);
    expect(edit(r => (r.spec.image = 'ghcr.io/x:2')).diff).toEqual([
      '-  image: "ghcr.io/butlerdotdev/workspace-base:1.2.0"',
      '+  image: "ghcr.io/x:2"',
    ]);
  });

  it('returns the original text when nothing changed', () => {
    expect(applyObjectToYaml(ORIGINAL, valueOf(ORIGINAL))).toBe(ORIGINAL);
  });

  it('keeps comments, blank lines, flow mappings and folded text it did not touch', () => {
    const { text } = edit(r => (r.spec.owner = 'john@example.com'));
    expect(text).toContain("# Jane's workspace: keep it small\n");
    expect(text).toContain('  name: jane-dev   # the short name\n');
    expect(text).toContain("\n\n  labels: {app: ws, tier: 'dev'}\n");
    expect(text).toContain('  # sized for the monorepo\n');
    expect(text).toContain(
      '      folded text that a re-print\n      would join on one line\n',
    );
  });

  it('adds a field at the end of its mapping', () => {
    expect(edit(r => (r.spec.resources.storage = '10Gi')).diff).toEqual([
      '+    storage: 10Gi',
    ]);
    expect(edit(r => (r.spec.autoStopAfter = '8h')).diff).toEqual([
      '+  autoStopAfter: 8h',
    ]);
  });

  it('removes a field with its lines only', () => {
    expect(edit(r => delete r.spec.resources.memory).diff).toEqual([
      '-    memory: 4Gi',
    ]);
    expect(edit(r => delete r.spec.clusterRef).diff).toEqual([
      '-  clusterRef:',
      '-    name: dev-cluster',
    ]);
  });

  it('removes a sequence item without touching the others', () => {
    expect(edit(r => r.spec.repositories.splice(1, 1)).diff).toEqual([
      '-  - url: https://github.com/acme/web',
    ]);
    expect(edit(r => r.spec.repositories.splice(0, 1)).diff).toEqual([
      '-  - url: https://github.com/acme/api',
      '-    branch: main',
    ]);
  });

  it('appends a sequence item', () => {
    const { text } = edit(r =>
      r.spec.repositories.push({ url: 'https://github.com/acme/ops' }),
    );
    expect(text).toContain(
      '  - url: https://github.com/acme/docs\n  - url: https://github.com/acme/ops\n',
    );
  });

  it('quotes a new string that YAML 1.1 readers would misread', () => {
    expect(edit(r => (r.spec.repositories[1].branch = 'no')).diff).toEqual([
      '+    branch: "no"',
    ]);
  });

  it("writes new nested values as blocks in the file's own sequence style", () => {
    // this file writes `- ` items level with their key (kubectl style), so new lists do too
    const { diff } = edit(
      r => (r.spec.resources = { cpu: '1', extra: { a: [1, 2] } }),
    );
    expect(diff).toEqual([
      "-    cpu: '2'",
      '-    memory: 4Gi',
      "+    cpu: '1'",
      '+    extra:',
      '+      a:',
      '+      - 1',
      '+      - 2',
    ]);
  });

  it('keeps CRLF line ends', () => {
    const crlf = ORIGINAL.replace(/\n/g, '\r\n');
    const desired = valueOf(crlf);
    desired.spec.owner = 'x@example.com';
    const text = applyObjectToYaml(crlf, desired);
    expect(text).toBe(
      crlf.replace('owner: jane@example.com', 'owner: x@example.com'),
    );
  });

  it('keeps a four-space, kubectl-style file as it is', () => {
    const kube =
      'apiVersion: v1\nkind: X\nmetadata:\n    name: a\nspec:\n    items:\n    - a\n    - b\n    m:\n        k: v\n';
    const desired = valueOf(kube);
    desired.spec.m.k = 'w';
    expect(lineDiff(kube, applyObjectToYaml(kube, desired))).toEqual([
      '-        k: v',
      '+        k: w',
    ]);
  });

  it('refuses a file that does not parse', () => {
    expect(() => applyObjectToYaml('a: [1\n', {})).toThrow(YamlEditError);
    const error = thrownBy(() => applyObjectToYaml('a: 1\na: 2\n', {}));
    expect((error as YamlEditError).issues).toEqual([
      expect.objectContaining({
        line: 2,
        message: expect.stringContaining('duplicate key'),
      }),
    ]);
    expect(error.name).toBe('InputError');
  });
});

describe('applyChangesToYaml', () => {
  it('sets and removes fields by path, creating missing mappings', () => {
    const text = applyChangesToYaml(ORIGINAL, [
      { path: ['spec', 'resources', 'cpu'], value: '8' },
      {
        path: ['metadata', 'annotations', 'portal.butlerlabs.dev/owner'],
        value: 'group:default/a',
      },
      { path: ['spec', 'repositories', 0, 'branch'], remove: true },
      { path: ['spec', 'nothing', 'here'], remove: true },
    ]);
    const value = valueOf(text);
    expect(value.spec.resources.cpu).toBe('8');
    expect(value.metadata.annotations).toEqual({
      'portal.butlerlabs.dev/owner': 'group:default/a',
    });
    expect(value.spec.repositories[0]).toEqual({
      url: 'https://github.com/acme/api',
    });
    expect(lineDiff(ORIGINAL, text)).toEqual([
      '+  annotations:',
      '+    portal.butlerlabs.dev/owner: group:default/a',
      "-    cpu: '2'",
      "+    cpu: '8'",
      '-    branch: main',
    ]);
  });

  it('fills an empty flow mapping as a block', () => {
    const text = applyChangesToYaml('metadata:\n  labels: {}\n', [
      { path: ['metadata', 'labels', 'a'], value: 'b' },
    ]);
    expect(text).toBe('metadata:\n  labels:\n    a: b\n');
  });

  it('refuses an empty path and an index past the end', () => {
    expect(() =>
      applyChangesToYaml('a: 1\n', [{ path: [], value: 1 }]),
    ).toThrow(/whole document cannot be replaced/);
    expect(() =>
      applyChangesToYaml('a: [1]\n', [{ path: ['a', 5], value: 1 }]),
    ).toThrow(YamlEditError);
  });
});

describe('diffValues', () => {
  it('lists sets for new or changed leaves and removes for gone fields', () => {
    expect(
      diffValues(
        { a: 1, b: { c: 2, d: 3 }, e: [1, 2, 3], f: 'x' },
        { a: 1, b: { c: 4 }, e: [1, 3], f: { g: 1 }, h: true, u: undefined },
      ),
    ).toEqual([
      { path: ['b', 'c'], value: 4 },
      { path: ['b', 'd'], remove: true },
      { path: ['e', 1], remove: true },
      { path: ['f'], value: { g: 1 } },
      { path: ['h'], value: true },
    ]);
  });

  it('removes trailing items from the end backwards', () => {
    expect(diffValues([1, 2, 3, 4], [9])).toEqual([
      { path: [0], value: 9 },
      { path: [3], remove: true },
      { path: [2], remove: true },
      { path: [1], remove: true },
    ]);
  });

  it('finds nothing between equal values', () => {
    expect(diffValues({ a: [{ b: null }] }, { a: [{ b: null }] })).toEqual([]);
  });
});
