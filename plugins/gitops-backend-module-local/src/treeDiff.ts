/*
 * Paths that differ between two trees. Subtrees with the same id are skipped without being read,
 * so the cost follows the size of the change, not the size of the repository.
 */
import { ChangedPath } from '@butler-portal/plugin-gitops-node';
import { ObjectStore, TreeItem } from './objectStore';

async function allFiles(
  store: ObjectStore,
  item: Readonly<TreeItem>,
  path: string,
): Promise<string[]> {
  if (item.type !== 'tree') return [path];
  const out: string[] = [];
  for (const child of await store.readTreeShared(item.oid)) {
    out.push(...(await allFiles(store, child, `${path}/${child.path}`)));
  }
  return out;
}

/** whether the entries are in name order, as isomorphic-git reads them (checked, not assumed) */
function byName(entries: readonly Readonly<TreeItem>[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1].path >= entries[i].path) return false;
  }
  return true;
}

/**
 * The pairs of entries to compare, by name: one walk over both trees in name order (a folder of
 * 50,000 files is one tree object, read twice per diff), equal entries skipped without building
 * anything; by name lookups when a tree is not in that order. A name that is a file on one side
 * and a folder on the other comes as two pairs.
 */
function pairs(
  a: readonly Readonly<TreeItem>[],
  b: readonly Readonly<TreeItem>[],
): Array<[Readonly<TreeItem> | undefined, Readonly<TreeItem> | undefined]> {
  const out: Array<
    [Readonly<TreeItem> | undefined, Readonly<TreeItem> | undefined]
  > = [];
  const both = (x: Readonly<TreeItem>, y: Readonly<TreeItem>) => {
    if ((x.type === 'tree') !== (y.type === 'tree')) {
      out.push([x, undefined], [undefined, y]);
    } else {
      out.push([x, y]);
    }
  };
  if (byName(a) && byName(b)) {
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i];
      const y = b[j];
      if (x.path === y.path) {
        if (x.oid !== y.oid || x.mode !== y.mode) both(x, y);
        i++;
        j++;
      } else if (x.path < y.path) {
        out.push([x, undefined]);
        i++;
      } else {
        out.push([undefined, y]);
        j++;
      }
    }
    for (; i < a.length; i++) out.push([a[i], undefined]);
    for (; j < b.length; j++) out.push([undefined, b[j]]);
    return out;
  }
  const before = new Map(a.map(e => [e.path, e]));
  const after = new Map(b.map(e => [e.path, e]));
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(name);
    const y = after.get(name);
    if (x && y) both(x, y);
    else out.push([x, y]);
  }
  return out;
}

async function diffTrees(
  store: ObjectStore,
  from: string | undefined,
  to: string | undefined,
  dirPath: string,
  out: ChangedPath[],
) {
  const a = from ? await store.readTreeShared(from) : [];
  const b = to ? await store.readTreeShared(to) : [];
  for (const [before, after] of pairs(a, b)) {
    const name = (before ?? after)!.path;
    const path = dirPath ? `${dirPath}/${name}` : name;
    if (
      before &&
      after &&
      before.oid === after.oid &&
      before.mode === after.mode
    )
      continue;
    if (before?.type === 'tree' && after?.type === 'tree') {
      await diffTrees(store, before.oid, after.oid, path, out);
    } else if (before && after) {
      out.push({ path, status: 'modified' });
    } else if (before) {
      for (const p of await allFiles(store, before, path))
        out.push({ path: p, status: 'deleted' });
    } else if (after) {
      for (const p of await allFiles(store, after, path))
        out.push({ path: p, status: 'added' });
    }
  }
}

/** changed paths between two trees or commits (commit ids are peeled to their trees) */
export async function diffPaths(
  store: ObjectStore,
  from: string,
  to: string,
): Promise<ChangedPath[]> {
  const out: ChangedPath[] = [];
  await diffTrees(store, from, to, '', out);
  return out;
}
