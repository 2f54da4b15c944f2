/*
 * The changed paths of many commit pairs in one `git diff-tree --stdin` process. Working out the
 * paths of 500 merged change requests in JavaScript (isomorphic-git inflating every tree on
 * both sides) took ~2 s after a start, and a team member's Changes tab needs them all (its rows
 * are judged on their paths before paging); git answers them in one pass.
 *
 * Raw output with -z keeps it unambiguous whatever a file is called: each input line answers
 * its first commit id (`--always`: even when nothing changed), then one record per path,
 * `:<modes> <ids> <status>` and the path, every field NUL-terminated. A path is read where a
 * record says one follows, so no file name can pass for a header.
 */
import { runGitBatch } from './catFileBatch';

const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface CommitPair {
  base: string;
  head: string;
}

/** the paths changed from `base` to `head` for each pair, in the order asked */
export async function diffPathsWithGit(
  gitDir: string,
  pairs: readonly CommitPair[],
  gitBinary = 'git',
): Promise<string[][]> {
  if (pairs.length === 0) return [];
  for (const { base, head } of pairs) {
    if (!COMMIT_ID.test(base) || !COMMIT_ID.test(head)) {
      throw new Error(`git diff-tree: ${JSON.stringify(`${base} ${head}`)} is not a pair of commit ids`);
    }
  }
  // `<commit> <parent>`: the commit compared with the given parent, i.e. base → head
  const input = pairs.map(({ base, head }) => `${head} ${base}\n`).join('');
  const out = await runGitBatch(
    gitDir,
    ['diff-tree', '--stdin', '-r', '-z', '--always', '--no-renames'],
    input,
    gitBinary,
  );
  const answers: string[][] = [];
  let at = 0;
  const field = () => {
    const end = out.indexOf(0, at);
    if (end < 0) throw new Error('git diff-tree: output ends inside a field');
    const text = out.subarray(at, end).toString('utf8');
    at = end + 1;
    return text;
  };
  while (at < out.length) {
    const token = field();
    if (token.startsWith(':')) {
      const current = answers[answers.length - 1];
      if (!current) throw new Error('git diff-tree: a path record before any commit');
      current.push(field());
      continue;
    }
    const expected = pairs[answers.length]?.head;
    if (token !== expected) {
      throw new Error(
        `git diff-tree: answer ${answers.length + 1} is for ${JSON.stringify(token.slice(0, 80))}, expected ${expected}`,
      );
    }
    answers.push([]);
  }
  if (answers.length !== pairs.length) {
    // git skips a line it cannot read (an unknown commit) with a message on stderr only
    throw new Error(
      `git diff-tree answered ${answers.length} of ${pairs.length} pairs (a commit it does not have?)`,
    );
  }
  return answers;
}
