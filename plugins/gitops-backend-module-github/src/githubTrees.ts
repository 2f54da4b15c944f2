/*
 * Reading and comparing trees through GitHub's Git data API. Listings use one recursive call and
 * walk level by level only when GitHub truncates the answer (more than 100,000 entries or 7 MB);
 * comparisons descend only into subtrees whose ids differ, so their cost grows with the change,
 * not with the repository — which is why changedPaths falls back to them when compare is capped.
 */
import { Octokit } from '@octokit/rest';
import type { ChangedPath, TreeEntry } from '@butler-portal/plugin-gitops-node';

export interface GithubRepoRef {
  octokit: Octokit;
  owner: string;
  repo: string;
}

interface Item {
  path: string;
  mode: string;
  type: string;
  sha: string;
}

async function readTree(
  ref: GithubRepoRef,
  treeish: string,
  recursive: boolean,
): Promise<{ items: Item[]; truncated: boolean }> {
  const { data } = await ref.octokit.git.getTree({
    owner: ref.owner,
    repo: ref.repo,
    tree_sha: treeish,
    ...(recursive ? { recursive: '1' } : {}),
  });
  return {
    items: data.tree.map(i => ({
      path: i.path!,
      mode: i.mode!,
      type: i.type!,
      sha: i.sha!,
    })),
    truncated: data.truncated,
  };
}

function join(prefix: string, path: string): string {
  return prefix ? `${prefix}/${path}` : path;
}

/** Id of the tree at `dirPath` inside `treeish` (a commit, branch or tree id); undefined if absent. */
export async function findSubtree(
  ref: GithubRepoRef,
  treeish: string,
  dirPath: string,
): Promise<string | undefined> {
  let current = treeish;
  for (const segment of dirPath.split('/').filter(Boolean)) {
    const { items } = await readTree(ref, current, false);
    const next = items.find(i => i.path === segment && i.type === 'tree');
    if (!next) {
      return undefined;
    }
    current = next.sha;
  }
  return current;
}

/** Every blob below a tree, paths prefixed with `prefix`. */
export async function listBlobs(
  ref: GithubRepoRef,
  treeish: string,
  prefix = '',
): Promise<TreeEntry[]> {
  const recursive = await readTree(ref, treeish, true);
  if (!recursive.truncated) {
    return recursive.items
      .filter(i => i.type === 'blob')
      .map(i => ({ path: join(prefix, i.path), sha: i.sha }));
  }
  // truncated: walk one level at a time, which GitHub never truncates for our folder sizes
  const entries: TreeEntry[] = [];
  const queue: Array<{ sha: string; path: string }> = [
    { sha: treeish, path: prefix },
  ];
  while (queue.length) {
    const dir = queue.shift()!;
    const { items } = await readTree(ref, dir.sha, false);
    for (const item of items) {
      const path = join(dir.path, item.path);
      if (item.type === 'tree') {
        queue.push({ sha: item.sha, path });
      } else if (item.type === 'blob') {
        entries.push({ path, sha: item.sha });
      }
    }
  }
  return entries;
}

/** Paths that differ between two trees, descending only into subtrees that changed. */
export async function diffTrees(
  ref: GithubRepoRef,
  fromTree: string,
  toTree: string,
  prefix = '',
): Promise<ChangedPath[]> {
  if (fromTree === toTree) {
    return [];
  }
  const [from, to] = await Promise.all([
    readTree(ref, fromTree, false),
    readTree(ref, toTree, false),
  ]);
  const before = new Map(from.items.map(i => [i.path, i]));
  const after = new Map(to.items.map(i => [i.path, i]));
  const changes: ChangedPath[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    const path = join(prefix, name);
    if (b && a && b.sha === a.sha && b.type === a.type) {
      continue;
    }
    if (b?.type === 'tree' && a?.type === 'tree') {
      changes.push(...(await diffTrees(ref, b.sha, a.sha, path)));
      continue;
    }
    if (b && a && b.type !== 'tree' && a.type !== 'tree') {
      changes.push({ path, status: 'modified' });
      continue;
    }
    if (b) {
      changes.push(
        ...(b.type === 'tree'
          ? (await listBlobs(ref, b.sha, path)).map(e => ({
              path: e.path,
              status: 'deleted' as const,
            }))
          : [{ path, status: 'deleted' as const }]),
      );
    }
    if (a) {
      changes.push(
        ...(a.type === 'tree'
          ? (await listBlobs(ref, a.sha, path)).map(e => ({
              path: e.path,
              status: 'added' as const,
            }))
          : [{ path, status: 'added' as const }]),
      );
    }
  }
  return changes;
}
