/*
 * The CI jobs and hooks each repo layout ships, run as the scripts they are: the `run:` steps of
 * the GitHub workflow under bash as Actions runs them, the GitLab job's script, the git pre-push
 * hook and the pre-commit entry, in a git checkout of the layout with nothing but Node, curl, git
 * and a shell on PATH (no portal checkout, no node_modules). A local HTTP server plays the portal,
 * serving the single-file build at /api/gitops/cli/butler-gitops.mjs with an ETag. Each must
 * print what the in-repo CLI prints, and fail when the portal cannot be reached.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { BUNDLE, REPO_LAYOUTS, runInDir } from '../testing/cliHarness';

jest.setTimeout(240_000);

const LAYOUTS = ['workspaces', 'registry', 'pipelines', 'platform'];
const CLI_PATH = '/api/gitops/cli/butler-gitops.mjs';
/** what a runner (or a laptop) has: no yarn, no npm, no node_modules */
const TOOLS = [
  'bash',
  'sh',
  'curl',
  'git',
  'cksum',
  'cut',
  'mkdir',
  'mv',
  'rm',
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The "portal": serves the file, answers 304 to its ETag, or 503 while `down`. */
class FakePortal {
  readonly requests: number[] = [];
  down = false;
  #server?: http.Server;
  url = '';

  constructor(private readonly contents: Buffer) {}

  async start() {
    const etag = `"sha256-${crypto
      .createHash('sha256')
      .update(this.contents)
      .digest('hex')}"`;
    this.#server = http.createServer((req, res) => {
      let status = 200;
      if (this.down) status = 503;
      else if (req.url !== CLI_PATH) status = 404;
      else if (req.headers['if-none-match'] === etag) status = 304;
      this.requests.push(status);
      if (status !== 200) {
        res.writeHead(status, status === 304 ? { etag } : {}).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/javascript', etag })
        .end(this.contents);
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${
      (this.#server!.address() as AddressInfo).port
    }/`;
  }

  stop() {
    return new Promise(resolve => this.#server?.close(resolve));
  }
}

function which(tool: string): string {
  return execFileSync('sh', ['-c', `command -v ${tool}`], {
    encoding: 'utf8',
  }).trim();
}

/** A folder of links to node and the TOOLS: the whole PATH of the jobs. */
function toolsDir(root: string): string {
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const tool of TOOLS) fs.symlinkSync(which(tool), path.join(bin, tool));
  return bin;
}

function runScript(
  command: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', t => {
      stdout += t;
    });
    child.stderr.setEncoding('utf8').on('data', t => {
      stderr += t;
    });
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The single-file build: the one under test (BUTLER_GITOPS_BUNDLE), else built now. */
async function bundleContents(): Promise<Buffer> {
  if (BUNDLE) return fs.readFileSync(BUNDLE);
  // plain CommonJS build script of this package
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildBundle } = require('../../scripts/buildBundle.js');
  return (await buildBundle()).contents;
}

describe('repo layout CI jobs and hooks, run with only Node', () => {
  let tmp: string;
  let bin: string;
  let portal: FakePortal;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-ci-'));
    bin = toolsDir(tmp);
    portal = new FakePortal(await bundleContents());
    await portal.start();
  });

  afterAll(async () => {
    await portal?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe.each(LAYOUTS)('%s', layout => {
    let repo: string;
    let home: string;

    const baseEnv = () => ({
      PATH: bin,
      HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_AUTHOR_NAME: 'ci',
      GIT_AUTHOR_EMAIL: 'ci@example.com',
      GIT_COMMITTER_NAME: 'ci',
      GIT_COMMITTER_EMAIL: 'ci@example.com',
    });
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        env: baseEnv(),
        encoding: 'utf8',
      });

    /** the GitHub job: each `run:` step as Actions runs `shell: bash` steps */
    async function githubJob(): Promise<Run> {
      const workflow = parse(
        fs.readFileSync(
          path.join(repo, '.github/workflows/validate.yaml'),
          'utf8',
        ),
      );
      expect(workflow.defaults.run.shell).toBe('bash');
      let out: Run = { code: 0, stdout: '', stderr: '' };
      for (const step of workflow.jobs.validate.steps) {
        if (!step.run) continue; // actions/checkout, actions/setup-node: done by the test
        const env: Record<string, string> = {
          ...baseEnv(),
          GITHUB_ACTIONS: 'true',
          CI: 'true',
        };
        for (const [name, value] of Object.entries(step.env ?? {})) {
          env[name] = String(value).replace(
            /\$\{\{\s*vars\.BUTLER_PORTAL_URL\s*\}\}/,
            portal.url,
          );
        }
        const script = path.join(home, 'step.sh');
        fs.writeFileSync(script, step.run);
        const run = await runScript(
          ['bash', '--noprofile', '--norc', '-eo', 'pipefail', script],
          repo,
          env,
        );
        out = {
          code: run.code,
          stdout: out.stdout + run.stdout,
          stderr: out.stderr + run.stderr,
        };
        if (run.code !== 0) break;
      }
      return out;
    }

    /** the GitLab job: its script lines in one shell, as the runner's bash executor does */
    async function gitlabJob(): Promise<Run> {
      const ci = parse(
        fs.readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8'),
      );
      const script = path.join(home, 'job.sh');
      fs.writeFileSync(script, ci.validate.script.join('\n'));
      return runScript(['bash', '--noprofile', '--norc', '-e', script], repo, {
        ...baseEnv(),
        GITLAB_CI: 'true',
        CI: 'true',
        BUTLER_PORTAL_URL: portal.url,
      });
    }

    beforeEach(() => {
      repo = fs.mkdtempSync(path.join(tmp, `${layout}-`));
      home = fs.mkdtempSync(path.join(tmp, 'home-'));
      fs.cpSync(path.join(REPO_LAYOUTS, layout), repo, { recursive: true });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-q', '-m', 'layout');
      portal.down = false;
    });

    it('GitHub: validates with the served file, as the in-repo CLI does', async () => {
      const job = await githubJob();
      const inRepo = await runInDir(repo, 'validate', '--format', 'github');
      expect(job).toEqual({ ...inRepo, stderr: '' });
      expect(job.code).toBe(0);
      expect(job.stdout).toMatch(/^\d+ files checked, 0 invalid\n$/);
    });

    it('GitHub: annotates a broken file and fails', async () => {
      const broken = path.join(repo, 'workspaces/team-a/broken.yaml');
      fs.mkdirSync(path.dirname(broken), { recursive: true });
      fs.writeFileSync(broken, 'kind: Workspace\nmetadata: {}\n');
      const job = await githubJob();
      expect(job.code).toBe(1);
      expect(job.stdout).toContain(
        '::error file=workspaces/team-a/broken.yaml,',
      );
      expect(job.stdout).toBe(
        (await runInDir(repo, 'validate', '--format', 'github')).stdout,
      );
    });

    it('GitHub and GitLab: fail when the portal does not serve the file', async () => {
      portal.down = true;
      const github = await githubJob();
      expect(github.code).not.toBe(0);
      expect(github.stdout).not.toContain('files checked');
      expect(github.stderr).toContain('503');
      const gitlab = await gitlabJob();
      expect(gitlab.code).not.toBe(0);
      expect(gitlab.stdout).not.toContain('files checked');
    });

    it('GitLab: validates with the served file, as the in-repo CLI does', async () => {
      const job = await gitlabJob();
      expect(job).toEqual({
        ...(await runInDir(repo, 'validate')),
        stderr: '',
      });
      expect(job.code).toBe(0);
    });

    it('pre-push hook: validates what the branch changes, revalidates its cache with the ETag, works offline', async () => {
      git('config', 'butler.portalUrl', portal.url);
      git('checkout', '-q', '-b', 'change');
      const readme = path.join(repo, 'README.md');
      fs.appendFileSync(readme, '\nnot a resource\n');
      git('commit', '-q', '-am', 'docs only');
      const env = { ...baseEnv(), BUTLER_GITOPS_BASE: 'main' };
      const clean = await runScript(['.githooks/pre-push'], repo, env);
      expect(clean).toEqual({
        code: 0,
        stdout:
          '0 files checked, 0 invalid (changed since main: 0 changed, 0 referring to them)\n',
        stderr: '',
      });

      const file = path.join(repo, 'workspaces/team-a/new.yaml');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'kind: Workspace\n');
      git('add', '-A');
      git('commit', '-q', '-m', 'broken');
      const before = portal.requests.length;
      const broken = await runScript(['.githooks/pre-push'], repo, env);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain('workspaces/team-a/new.yaml:1:1:');
      expect(broken.stdout).toContain(
        '1 file checked, 1 invalid (changed since main: 1 changed, 0 referring to them)',
      );
      // the cached file was revalidated, not downloaded again
      expect(portal.requests.slice(before)).toEqual([304]);

      portal.down = true;
      const offline = await runScript(['.githooks/pre-push'], repo, env);
      expect(offline.code).toBe(1);
      expect(offline.stdout).toBe(broken.stdout);
      expect(offline.stderr).toContain(
        'out of reach; using the copy fetched before',
      );
    });

    it('pre-push hook: says how to name the portal when none is set', async () => {
      const run = await runScript(['.githooks/pre-push'], repo, baseEnv());
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('git config butler.portalUrl');
    });

    it('pre-commit hook entry: refuses a commit that breaks a file', async () => {
      const [hook] = parse(
        fs.readFileSync(path.join(repo, '.pre-commit-hooks.yaml'), 'utf8'),
      );
      const file = path.join(repo, 'workspaces/team-a/staged.yaml');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'kind: Workspace\n');
      git('add', '-A');
      // pre-commit runs `entry` (split like a shell would) from the repository's root
      const run = await runScript(hook.entry.split(' '), repo, {
        ...baseEnv(),
        BUTLER_PORTAL_URL: portal.url,
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('workspaces/team-a/staged.yaml:1:1:');
      expect(run.stdout).toContain('(changed since HEAD: 1 changed');
    });
  });
});
