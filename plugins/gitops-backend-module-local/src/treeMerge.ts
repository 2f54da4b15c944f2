/*
 * Three-way merge of trees, path by path: a path changed on only one side takes that side; a
 * path changed identically on both sides is fine; a path changed differently on both sides is a
 * conflict. There is no line-level merge: portal changes replace whole files, so two changes to
 * the same file are a real conflict the author has to resolve (rebase the change).
 * Folders that differ on both sides are merged entry by entry; identical subtrees are not read.
 */
import { ObjectStore, TreeItem } from './objectStore';

export interface TreeMergeResult {
  /** the merged root tree; undefined in a dry run or when there are conflicts */
  tree?: string;
  /** paths changed differently on both sides */
  conflicts: string[];
}

type Side = Readonly<TreeItem> | undefined;

const same = (a: Side, b: Side) =>
  a === b || (!!a && !!b && a.oid === b.oid && a.mode === b.mode);

async function mergeDir(
  store: ObjectStore,
  base: string | undefined,
  ours: string | undefined,
  theirs: string | undefined,
  dirPath: string,
  write: boolean,
  conflicts: string[],
): Promise<string | undefined> {
  // the store's kept entries, not copies: a folder of 50,000 files is one tree, read three times
  const read = async (oid?: string) =>
    new Map((oid ? await store.readTreeShared(oid) : []).map(e => [e.path, e]));
  const [b, o, t] = await Promise.all([read(base), read(ours), read(theirs)]);
  const merged: TreeItem[] = [];
  for (const name of new Set([...o.keys(), ...t.keys(), ...b.keys()])) {
    const path = dirPath ? `${dirPath}/${name}` : name;
    const entry = await mergeEntry(
      store,
      b.get(name),
      o.get(name),
      t.get(name),
      path,
      write,
      conflicts,
    );
    if (entry) merged.push({ ...entry, path: name });
  }
  if (!write || conflicts.length > 0) return 'dry-run';
  if (merged.length === 0 && dirPath !== '') return undefined;
  return store.writeTree(merged);
}

async function mergeEntry(
  store: ObjectStore,
  base: Side,
  ours: Side,
  theirs: Side,
  path: string,
  write: boolean,
  conflicts: string[],
): Promise<Side> {
  if (same(ours, theirs)) return ours;
  if (same(base, ours)) return theirs;
  if (same(base, theirs)) return ours;
  const isTree = (s: Side) => s?.type === 'tree';
  if (isTree(ours) && isTree(theirs) && (!base || isTree(base))) {
    const oid = await mergeDir(
      store,
      base?.oid,
      ours!.oid,
      theirs!.oid,
      path,
      write,
      conflicts,
    );
    return oid ? { mode: '040000', path, oid, type: 'tree' } : undefined;
  }
  conflicts.push(path);
  return ours;
}

/**
 * Merges the changes base→theirs into ours. With `write: false` nothing is written and only the
 * conflicts are reported (used to show `mergeable` on every read).
 */
export async function mergeTrees(
  store: ObjectStore,
  input: { base?: string; ours: string; theirs: string; write: boolean },
): Promise<TreeMergeResult> {
  const conflicts: string[] = [];
  const tree = await mergeDir(
    store,
    input.base,
    input.ours,
    input.theirs,
    '',
    input.write,
    conflicts,
  );
  conflicts.sort();
  return {
    tree: input.write && conflicts.length === 0 ? tree : undefined,
    conflicts,
  };
}
