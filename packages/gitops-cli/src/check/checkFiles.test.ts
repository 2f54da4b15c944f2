import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectYamlFiles } from '../files/collectYamlFiles';
import { checkFiles, invalidCount, issuesOf } from './checkFiles';

const WORKSPACE = (
  name: string,
  namespace = 'team-a',
) => `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  owner: ${name}@example.com
  clusterRef:
    name: team-a-dev
  image: golang:1.23
`;

describe('checkFiles', () => {
  let root: string;

  function write(file: string, text: string) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }

  async function check(...paths: string[]) {
    return checkFiles(await collectYamlFiles(paths, root));
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-check-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('accepts a valid resource at its layout path', async () => {
    write('workspaces/team-a/alice.yaml', WORKSPACE('alice'));
    const report = await check('.');
    expect(issuesOf(report)).toEqual([]);
    expect(report.files).toHaveLength(1);
    expect(report.files[0].resource?.metadata.name).toBe('alice');
  });

  it('reports schema violations with the file, line and column', async () => {
    write(
      'workspaces/team-a/alice.yaml',
      WORKSPACE('alice').replace('image: golang:1.23', 'image: 42'),
    );
    const report = await check('.');
    expect(invalidCount(report)).toBe(1);
    const [issue] = issuesOf(report);
    expect(issue).toMatchObject({
      file: 'workspaces/team-a/alice.yaml',
      path: '/spec/image',
      line: 10,
    });
  });

  it('reports a resource whose file is not at its layout path', async () => {
    write('workspaces/team-a/someone-else.yaml', WORKSPACE('alice'));
    write('workspaces/team-b/bob.yaml', WORKSPACE('bob'));
    write('workspaces/team-a/old/carol.yaml', WORKSPACE('carol'));
    write('workspaces/team-a/dave.yml', WORKSPACE('dave'));
    const issues = issuesOf(await check('.'));
    // The wording is the validator's; what matters here is which file and where it belongs.
    const misplaced = (file: string, ref: string, expected: string) => [
      file,
      4,
      '/metadata/name',
      expect.stringContaining(
        `file is at "${file}", but Workspace ${ref} belongs at "${expected}"`,
      ),
    ];
    expect(issues.map(i => [i.file, i.line, i.path, i.message])).toEqual([
      misplaced(
        'workspaces/team-a/dave.yml',
        'team-a/dave',
        'workspaces/team-a/dave.yaml',
      ),
      misplaced(
        'workspaces/team-a/old/carol.yaml',
        'team-a/carol',
        'workspaces/team-a/carol.yaml',
      ),
      misplaced(
        'workspaces/team-a/someone-else.yaml',
        'team-a/alice',
        'workspaces/team-a/alice.yaml',
      ),
      misplaced(
        'workspaces/team-b/bob.yaml',
        'team-a/bob',
        'workspaces/team-a/bob.yaml',
      ),
    ]);
  });

  it('gives the path from the inferred checkout root when checking several checkouts', async () => {
    write('layouts/one/workspaces/team-b/alice.yaml', WORKSPACE('alice'));
    const [issue] = issuesOf(await check('layouts'));
    expect(issue.file).toBe('layouts/one/workspaces/team-b/alice.yaml');
    expect(issue.message).toContain(
      'file is at "workspaces/team-b/alice.yaml", but Workspace team-a/alice belongs at "workspaces/team-a/alice.yaml"',
    );
  });

  it('reports a file over the size limit without reading it', async () => {
    write('workspaces/team-a/huge.yaml', `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    write('docs/huge.yaml', `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const report = await check('.');
    expect(issuesOf(report)).toEqual([
      {
        file: 'workspaces/team-a/huge.yaml',
        path: '',
        line: 1,
        column: 1,
        message: `file is ${
          2 * 1024 * 1024 + 3
        } bytes; the limit is 1048576 bytes`,
      },
    ]);
  });

  it('checks any YAML in a kind folder, whatever it declares', async () => {
    write('pipelines/team-a/notes.yaml', 'just: notes\n');
    const report = await check('.');
    expect(invalidCount(report)).toBe(1);
    expect(issuesOf(report)[0].file).toBe('pipelines/team-a/notes.yaml');
  });

  it('checks a known kind outside the kind folders, but skips other YAML there', async () => {
    write(
      'docs/example.yaml',
      WORKSPACE('alice').replace('image: golang:1.23\n', ''),
    );
    write('docs/mkdocs.yaml', 'site_name: docs\n');
    write('.gitlab-ci.yml', 'validate:\n  script: [true]\n');
    const report = await check('.');
    expect(report.files.map(f => f.file.displayPath)).toEqual([
      'docs/example.yaml',
    ]);
    expect(invalidCount(report)).toBe(1);
  });

  it('does not require a known kind outside the kind folders to be at a layout path', async () => {
    write('docs/example.yaml', WORKSPACE('alice'));
    expect(issuesOf(await check('.'))).toEqual([]);
  });

  it('reports two files of one checkout declaring the same resource', async () => {
    write('workspaces/team-a/alice.yaml', WORKSPACE('alice'));
    write('docs/alice-copy.yaml', WORKSPACE('alice'));
    const issues = issuesOf(await check('.'));
    expect(issues).toEqual([
      {
        file: 'docs/alice-copy.yaml',
        path: '/metadata/name',
        line: 4,
        column: 9,
        message:
          'duplicate resource: Workspace team-a/alice is also declared in workspaces/team-a/alice.yaml',
      },
    ]);
  });

  it('keeps checkouts apart: the same resource in two layouts is no duplicate', async () => {
    write('one/workspaces/team-a/alice.yaml', WORKSPACE('alice'));
    write('two/workspaces/team-a/alice.yaml', WORKSPACE('alice'));
    const report = await check('.');
    expect(report.files).toHaveLength(2);
    expect(issuesOf(report)).toEqual([]);
  });
});
