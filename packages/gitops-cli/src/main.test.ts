import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from './main';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const REPO_LAYOUTS = path.join(REPO_ROOT, 'repo-layouts');

/** Runs the CLI in-process, as `butler-gitops ...args` in `cwd`. */
async function run(cwd: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'butler-gitops', ...args], {
    cwd,
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

const WORKSPACE = `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: alice-dev
  namespace: team-a
spec:
  owner: alice@example.com
  clusterRef:
    name: team-a-dev
  image: golang:1.23
`;

const PIPELINE = `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: logs
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    in:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: console
      inputs: [in]
      options:
        encoding:
          codec: json
`;

describe('butler-gitops', () => {
  let dir: string;

  function write(file: string, text: string) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-main-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('validate', () => {
    it('passes on every repo layout of this repository', async () => {
      const result = await run(REPO_ROOT, 'validate', 'repo-layouts');
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^\d+ files checked, 0 invalid\n$/);
      const checked = Number(result.stdout.split(' ')[0]);
      const examples = fs
        .readdirSync(REPO_LAYOUTS, { recursive: true, encoding: 'utf8' })
        .filter(f => f.endsWith('.yaml') && !f.split(path.sep).some(s => s.startsWith('.')));
      expect(checked).toBe(examples.length);
      expect(result.code).toBe(0);
    });

    it('checks the working directory by default and exits 0 when all is valid', async () => {
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE);
      write('.github/workflows/validate.yaml', 'on: push\n');
      expect(await run(dir, 'validate')).toEqual({
        code: 0,
        stdout: '1 file checked, 0 invalid\n',
        stderr: '',
      });
    });

    it('exits 1 and prints file:line:col: message for an invalid file', async () => {
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE.replace('alice@example.com', '[]'));
      write('pipelines/team-a/logs.yaml', PIPELINE);
      const result = await run(dir, 'validate', '.');
      expect(result.code).toBe(1);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[lines.length - 1]).toBe('2 files checked, 1 invalid');
      expect(lines[0]).toMatch(/^workspaces\/team-a\/alice-dev\.yaml:7:\d+: .+/);
    });

    it('writes JSON with --format json', async () => {
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE.replace('  image: golang:1.23\n', ''));
      const result = await run(dir, 'validate', '--format', 'json');
      expect(result.code).toBe(1);
      const body = JSON.parse(result.stdout);
      expect(body.summary).toEqual({ filesChecked: 1, invalidFiles: 1 });
      expect(body.issues).toEqual([
        expect.objectContaining({
          file: 'workspaces/team-a/alice-dev.yaml',
          line: expect.any(Number),
          column: expect.any(Number),
          path: expect.any(String),
          message: expect.stringContaining('image'),
        }),
      ]);
    });

    it('writes GitHub workflow commands with --format github', async () => {
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE.replace('team-a-dev', '""'));
      const result = await run(dir, 'validate', '--format', 'github');
      expect(result.code).toBe(1);
      expect(result.stdout.split('\n')[0]).toMatch(
        /^::error file=workspaces\/team-a\/alice-dev\.yaml,line=9,col=\d+,title=butler-gitops%3A spec\.clusterRef\.name::.+/,
      );
    });

    it('reports duplicates across files of one checkout', async () => {
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE);
      write('examples/alice-dev.yaml', WORKSPACE);
      const result = await run(dir, 'validate');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(
        'examples/alice-dev.yaml:4:9: duplicate resource: Workspace team-a/alice-dev is also declared in workspaces/team-a/alice-dev.yaml\n' +
          '2 files checked, 1 invalid\n',
      );
    });

    it('exits 2 on usage errors', async () => {
      const missing = await run(dir, 'validate', 'no-such-dir');
      expect(missing).toEqual({
        code: 2,
        stdout: '',
        stderr: 'butler-gitops: path not found: no-such-dir\n',
      });
      const format = await run(dir, 'validate', '--format', 'xml');
      expect(format.code).toBe(2);
      expect(format.stderr).toContain("argument 'xml' is invalid");
      const option = await run(dir, 'validate', '--colour');
      expect(option.code).toBe(2);
      expect(option.stderr).toContain("unknown option '--colour'");
      const command = await run(dir, 'lint');
      expect(command.code).toBe(2);
      expect(command.stderr).toContain("unknown command 'lint'");
    });
  });

  describe('render', () => {
    it('prints the applied kinds as a sorted YAML stream with the managed-by label', async () => {
      write('workspaces/team-b/bob.yaml', WORKSPACE.replace(/alice-dev/g, 'bob').replace(/team-a/g, 'team-b'));
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE);
      write('pipelines/team-a/logs.yaml', PIPELINE);
      const result = await run(dir, 'render');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const objects = parseAllDocuments(result.stdout).map((d: any) => d.toJS());
      expect(objects.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        'Workspace team-a/alice-dev',
        'Workspace team-b/bob',
      ]);
      expect(objects[0].metadata.labels).toEqual({
        'portal.butlerlabs.dev/managed-by': 'butler-portal',
      });
      expect(objects[0].spec).toEqual({
        owner: 'alice@example.com',
        clusterRef: { name: 'team-a-dev' },
        image: 'golang:1.23',
      });
    });

    it('renders the kinds asked for with --kind, by name or plural', async () => {
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE);
      write('pipelines/team-a/logs.yaml', PIPELINE);
      const result = await run(dir, 'render', '--kind', 'pipelines', '--kind', 'Workspace');
      expect(result.code).toBe(0);
      const kinds = parseAllDocuments(result.stdout).map((d: any) => d.toJS().kind);
      expect(kinds).toEqual(['Pipeline', 'Workspace']);
    });

    it('leaves out resources declared outside the layout: the reconciler never reads them', async () => {
      write('examples/alice-dev.yaml', WORKSPACE);
      const result = await run(dir, 'render');
      expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    });

    it('renders nothing and exits 1 when any file is invalid', async () => {
      write('workspaces/team-a/alice-dev.yaml', WORKSPACE);
      write('workspaces/team-a/broken.yaml', WORKSPACE.replace('alice-dev', 'broken').replace('  owner: alice@example.com\n', ''));
      const result = await run(dir, 'render');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^workspaces\/team-a\/broken\.yaml:\d+:\d+: .*owner/);
      expect(result.stderr).toContain('nothing rendered');
    });

    it('renders every applied example of the platform layout', async () => {
      const result = await run(REPO_LAYOUTS, 'render', 'platform');
      expect(result.code).toBe(0);
      const objects = parseAllDocuments(result.stdout).map((d: any) => d.toJS());
      expect(objects.map(o => o.kind).sort()).toEqual(['TenantAddon', 'Workspace', 'WorkspaceTemplate']);
    });

    it('exits 2 for an unknown kind', async () => {
      const result = await run(dir, 'render', '--kind', 'Gadget');
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'butler-gitops: unknown kind "Gadget"; known kinds: Workspace, WorkspaceTemplate, TenantAddon, Artifact, ArtifactVersion, Pipeline\n',
      );
    });
  });

  it('prints help and the version with exit code 0', async () => {
    const help = await run(dir, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: butler-gitops');
    expect(help.stdout).toContain('validate');
    expect(help.stdout).toContain('render');
    const version = await run(dir, '--version');
    expect(version).toEqual({
      code: 0,
      stdout: `${require('../package.json').version}\n`,
      stderr: '',
    });
  });
});
