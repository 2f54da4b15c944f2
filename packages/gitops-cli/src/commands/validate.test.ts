import fs from 'node:fs';
import path from 'node:path';
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import {
  REPO_LAYOUTS,
  REPO_ROOT,
  runInDir,
  tempCheckout,
  PIPELINE_YAML,
  WORKSPACE_YAML,
} from '../testing/cliHarness';
import { heraldExpectation } from '../check/pipelineCheck.testUtils';

/** gitops-common's invalid corpus: one file per mistake, and where each must be reported. */
const INVALID_CORPUS = path.join(
  path.dirname(
    require.resolve('@butler-portal/plugin-gitops-common/package.json'),
  ),
  'src/validation/__fixtures__/invalid',
);

interface CorpusExpectation {
  /** the repository path the file is checked under; none: content only */
  file?: string;
  /** a configured layout root, which the CLI cannot know (it infers the checkout root) */
  layout?: { root?: string };
  path: string;
  line: number;
  column: number;
  messageIncludes: string;
  issueCount?: number;
}

describe('butler-gitops validate', () => {
  let checkout: ReturnType<typeof tempCheckout>;

  beforeEach(() => {
    checkout = tempCheckout('validate');
  });

  afterEach(() => {
    checkout.remove();
  });

  it('passes on every repo layout of this repository', async () => {
    const result = await runInDir(REPO_ROOT, 'validate', 'repo-layouts');
    const examples = fs
      .readdirSync(REPO_LAYOUTS, { recursive: true, encoding: 'utf8' })
      .filter(
        f =>
          f.endsWith('.yaml') &&
          !f.split(path.sep).some(s => s.startsWith('.')) &&
          // the Keeper module sources (a Helm chart's own YAML) are no resources
          !f.startsWith(`modules${path.sep}`),
      );
    expect(result).toEqual({
      code: 0,
      stdout: `${examples.length} files checked, 0 invalid\n`,
      stderr: '',
    });
  });

  it('checks the working directory by default and exits 0 when all is valid', async () => {
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write('.github/workflows/validate.yaml', 'on: push\n');
    expect(await checkout.run('validate')).toEqual({
      code: 0,
      stdout: '1 file checked, 0 invalid\n',
      stderr: '',
    });
  });

  it('checks the layout path of files in a folder named on the command line', async () => {
    checkout.write('workspaces/team-b/alice-dev.yaml', WORKSPACE_YAML);
    const result = await checkout.run('validate', 'workspaces/team-b');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'workspaces/team-b/alice-dev.yaml:4:9: file is at "workspaces/team-b/alice-dev.yaml", but Workspace team-a/alice-dev belongs at "workspaces/team-a/alice-dev.yaml"',
    );
  });

  it('exits 1 and prints file:line:col: message for an invalid file', async () => {
    checkout.write(
      'workspaces/team-a/alice-dev.yaml',
      WORKSPACE_YAML.replace('alice@example.com', '[]'),
    );
    checkout.write('pipelines/team-a/logs.yaml', PIPELINE_YAML);
    const result = await checkout.run('validate', '.');
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^workspaces\/team-a\/alice-dev\.yaml:7:10: spec\.owner: .+/,
      ),
      '2 files checked, 1 invalid',
    ]);
  });

  it('writes JSON with --format json', async () => {
    checkout.write(
      'workspaces/team-a/alice-dev.yaml',
      WORKSPACE_YAML.replace('  image: golang:1.23\n', ''),
    );
    const result = await checkout.run('validate', '--format', 'json');
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout);
    expect(body.summary).toEqual({ filesChecked: 1, invalidFiles: 1 });
    expect(body.issues).toEqual([
      {
        file: 'workspaces/team-a/alice-dev.yaml',
        line: expect.any(Number),
        column: expect.any(Number),
        path: expect.stringMatching(/^\/spec/),
        message: expect.stringContaining('image'),
      },
    ]);
  });

  it('writes GitHub workflow commands with --format github', async () => {
    checkout.write(
      'workspaces/team-a/alice-dev.yaml',
      WORKSPACE_YAML.replace('team-a-dev', '""'),
    );
    const result = await checkout.run('validate', '--format', 'github');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toMatch(
      /^::error file=workspaces\/team-a\/alice-dev\.yaml,line=9,col=\d+,title=butler-gitops%3A spec\.clusterRef\.name::.+/,
    );
  });

  it('reports duplicates across files of one checkout', async () => {
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write('examples/alice-dev.yaml', WORKSPACE_YAML);
    expect(await checkout.run('validate')).toEqual({
      code: 1,
      stdout:
        'examples/alice-dev.yaml:4:9: duplicate resource: Workspace team-a/alice-dev is also declared in workspaces/team-a/alice-dev.yaml\n' +
        '2 files checked, 1 invalid\n',
      stderr: '',
    });
  });

  it('exits 2 for a path that does not exist or an unknown format', async () => {
    expect(await checkout.run('validate', 'no-such-dir')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'butler-gitops: path not found: no-such-dir\n',
    });
    const format = await checkout.run('validate', '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'xml' is invalid");
  });

  it('fails on every file of the invalid corpus, at its file, line and column', async () => {
    const manifest: Record<string, CorpusExpectation> = JSON.parse(
      fs.readFileSync(path.join(INVALID_CORPUS, 'expected.json'), 'utf8'),
    );
    const cases = Object.entries(manifest)
      .filter(([, expected]) => !expected.layout?.root)
      .map(([name, expected]) => ({
        name,
        // a Pipeline file gets the Herald rules' messages (pipelineCheck.ts)
        expected: {
          ...expected,
          ...heraldExpectation(
            fs.readFileSync(path.join(INVALID_CORPUS, name), 'utf8'),
            expected.file,
          ),
        },
        // files with a repository path go there, so the layout rule applies; the rest are
        // named on the command line, which checks them whatever they hold
        target: expected.file ?? `corpus/${name}`,
      }));
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const { name, target } of cases) {
      checkout.write(
        target,
        fs.readFileSync(path.join(INVALID_CORPUS, name), 'utf8'),
      );
    }
    const targets = cases.map(c => c.target);

    const json = await checkout.run('validate', '--format', 'json', ...targets);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout);
    expect(body.summary).toEqual({
      filesChecked: cases.length,
      invalidFiles: cases.length,
    });
    for (const { target, expected } of cases) {
      const issues = body.issues.filter(
        (issue: ValidationIssue) => issue.file === target,
      );
      expect({ target, count: issues.length }).toEqual({
        target,
        count: expected.issueCount ?? 1,
      });
      expect(issues[0]).toEqual({
        file: target,
        line: expected.line,
        column: expected.column,
        path: expected.path,
        message: expect.stringContaining(expected.messageIncludes),
      });
    }

    const human = await checkout.run('validate', ...targets);
    expect(human.code).toBe(1);
    const lines = human.stdout.split('\n');
    for (const { target, expected } of cases) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${escapeRegExp(target)}:${expected.line}:${expected.column}: `,
          ),
        ),
      );
    }
    expect(lines).toContain(
      `${cases.length} files checked, ${cases.length} invalid`,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
