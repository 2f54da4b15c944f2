/*
 * Test helpers: the real git CLI against temporary folders. Tests check the local provider's
 * repositories with git itself (fsck, clone, push), not with the code under test.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** a fresh temporary folder, removed by `removeTempDirs` */
const created: string[] = [];
export async function makeTempDir(prefix = 'butler-local-'): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs() {
  while (created.length) {
    await fs.promises.rm(created.pop()!, { recursive: true, force: true });
  }
}

/** runs git with a clean, isolated configuration */
export function runGit(
  args: string[],
  options: { cwd?: string; input?: string; env?: Record<string, string> } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: os.tmpdir(),
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        GIT_AUTHOR_NAME: 'Ide User',
        GIT_AUTHOR_EMAIL: 'ide@example.com',
        GIT_COMMITTER_NAME: 'Ide User',
        GIT_COMMITTER_EMAIL: 'ide@example.com',
        ...options.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', d => {
      stdout += d;
    });
    child.stderr!.on('data', d => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
    if (options.input !== undefined) {
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input);
    }
  });
}

/** runs git and fails with its output when it exits non-zero */
export async function git(
  args: string[],
  options: { cwd?: string; input?: string } = {},
) {
  const result = await runGit(args, options);
  if (result.code !== 0) {
    throw new Error(
      `git ${args.join(' ')} failed (${result.code}): ${result.stderr}${
        result.stdout
      }`,
    );
  }
  return result.stdout.trim();
}

/** `git fsck --strict` problems (notices dropped); empty means the repository is clean */
export async function fsck(gitdir: string): Promise<string> {
  const result = await runGit([
    '--git-dir',
    gitdir,
    'fsck',
    '--strict',
    '--no-dangling',
    '--no-progress',
  ]);
  const output = `${result.stdout}${result.stderr}`
    .split('\n')
    .filter(line => line.trim() && !line.startsWith('notice: ')) // e.g. "HEAD points to an unborn branch"
    .join('\n');
  return `${result.code === 0 ? '' : `exit ${result.code}\n`}${output}`.trim();
}

/** every ref of a repository as git itself reads it */
export async function gitRefs(gitdir: string): Promise<Record<string, string>> {
  const out = await git([
    '--git-dir',
    gitdir,
    'for-each-ref',
    '--format=%(refname) %(objectname)',
  ]);
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [ref, oid] = line.split(' ');
        return [ref, oid];
      }),
  );
}
