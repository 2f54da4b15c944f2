/*
 * Reads many blobs in one `git cat-file --batch` process: isomorphic-git inflates objects one at
 * a time in JavaScript, which made the first read of a 10,000-file repository take minutes; the
 * real git (already needed for smart HTTP) streams them in a fraction of that.
 */
import { spawn } from 'child_process';

/** blob id → content (UTF-8); ids git does not have are left out */
export async function readBlobsWithGit(
  gitDir: string,
  ids: readonly string[],
  gitBinary = 'git',
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const objects = await catFileBatch(gitDir, ids, gitBinary);
  objects.forEach((object, i) => {
    if (object?.type === 'blob') result.set(ids[i], object.content.toString('utf8'));
  });
  return result;
}

/**
 * The blob each name says (`<commit>:<path>` or a blob id), in the order asked; undefined where
 * git has none. One process for many reads of small files (e.g. the change records).
 */
export async function readBlobsByNameWithGit(
  gitDir: string,
  names: readonly string[],
  gitBinary = 'git',
): Promise<Array<string | undefined>> {
  return (await catFileBatch(gitDir, names, gitBinary)).map(object =>
    object?.type === 'blob' ? object.content.toString('utf8') : undefined,
  );
}

/**
 * Runs one git process over `input` on stdin and answers its stdout; the error names the
 * command and the end of its stderr.
 */
export async function runGitBatch(
  gitDir: string,
  args: readonly string[],
  input: string,
  gitBinary = 'git',
): Promise<Buffer> {
  const child = spawn(gitBinary, ['--git-dir', gitDir, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', d => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', code => resolve(code ?? -1));
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  const code = await closed;
  if (code !== 0) {
    throw new Error(`git ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
  }
  return Buffer.concat(chunks);
}

/** the objects `git cat-file --batch` answers for `names`, in order; undefined when missing */
async function catFileBatch(
  gitDir: string,
  names: readonly string[],
  gitBinary: string,
): Promise<Array<{ type: string; content: Buffer } | undefined>> {
  if (names.length === 0) return [];
  if (names.some(name => /[\n\r]/.test(name))) {
    throw new Error('git cat-file --batch: an object name may not contain a line break');
  }
  const out = await runGitBatch(gitDir, ['cat-file', '--batch'], `${names.join('\n')}\n`, gitBinary);

  // one answer per name, in order: `<oid> <type> <size>\n<content>\n`, or `<name> missing\n`
  // (also `ambiguous`) without content
  const objects: Array<{ type: string; content: Buffer } | undefined> = [];
  let at = 0;
  while (at < out.length && objects.length < names.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const match = header.match(/ (\w+) (\d+)$/);
    if (!match) {
      objects.push(undefined);
      continue;
    }
    const length = Number(match[2]);
    objects.push({ type: match[1], content: out.subarray(at, at + length) });
    at += length + 1; // content and its trailing newline
  }
  return objects;
}
