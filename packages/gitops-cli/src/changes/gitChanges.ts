/*
 * What a branch changes, as git says: the files that differ between the merge base of
 * `<rev>` and HEAD and the working tree (commits of the branch and uncommitted edits), plus
 * new files git does not track yet. Renames count as a deletion and an addition, so the old
 * name's dependents are found too.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { UsageError } from '../errors';

export interface GitChanges {
  /** the repository's top-level folder */
  top: string;
  /** the commit the changes are counted from: merge-base of `<rev>` and HEAD */
  base: string;
  /** absolute paths of added or modified files (and untracked ones) */
  changed: Set<string>;
  /** absolute paths of files the branch deletes */
  deleted: string[];
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const reason = String(stderr).trim().split('\n')[0] || error.message;
          reject(Object.assign(new Error(reason), { code: error.code }));
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

function nulSeparated(output: string): string[] {
  return output.split('\0').filter(Boolean);
}

/**
 * The changes since `rev` of the repository holding `cwd`. Throws UsageError when git is
 * missing, `cwd` is not in a repository, or `rev` names no commit.
 */
export async function gitChangesSince(
  rev: string,
  cwd: string,
): Promise<GitChanges> {
  // a revision is never an option: `--changed-since=--output=x` must not reach git as one
  if (!rev || rev.startsWith('-') || /[\0\n]/.test(rev)) {
    throw new UsageError(
      `--changed-since: not a revision: ${JSON.stringify(rev)}`,
    );
  }
  // two rounds of git, each of two commands at once: where the repository is and where the
  // branch left `rev`; then what differs from there, and the new files
  const [top, base] = await Promise.all([
    git(cwd, ['rev-parse', '--show-toplevel']).then(
      out => out.trim(),
      error => {
        const missing = (error as { code?: unknown }).code === 'ENOENT';
        throw new UsageError(
          missing
            ? '--changed-since needs git, which was not found on PATH'
            : `--changed-since needs a git repository: ${
                (error as Error).message
              }`,
        );
      },
    ),
    git(cwd, ['merge-base', rev, 'HEAD']).then(
      out => out.trim(),
      () => undefined,
    ),
  ]);
  if (!base) {
    throw new UsageError(
      `--changed-since: unknown revision ${JSON.stringify(
        rev,
      )}, or no history shared with HEAD (in a shallow clone, fetch it first: git fetch origin ${rev})`,
    );
  }
  const [diff, untracked] = await Promise.all([
    git(top, ['diff', '--name-status', '-z', '--no-renames', base, '--']),
    git(top, ['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  const changed = new Set<string>();
  const deleted: string[] = [];
  const fields = nulSeparated(diff);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const file = path.join(top, fields[i + 1]);
    if (fields[i] === 'D') deleted.push(file);
    else changed.add(file);
  }
  for (const file of nulSeparated(untracked)) changed.add(path.join(top, file));
  return { top, base, changed, deleted };
}
