/*
 * Paths that differ between two trees. Subtrees with the same id are skipped without being read,
 * so the cost follows the size of the change, not the size of the repository.
 */
import { ChangedPath } from '@butler-portal/plugin-gitops-node';
import { ObjectStore, TreeItem } from './objectStore';

async function allFiles(
  store: ObjectStore,
  item: TreeItem,
  path: string,
): Promise<string[]> {
  if (item.type !== 'tree') return [path];
  const out: string[] = [];
  for (const child of await store.readTree(item.oid)) {
    out.push(...(await allFiles(store, child, `${path}/${child.path}`)));
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
  const a = new Map(
    (from ? await store.readTree(from) : []).map(e => [e.path, e]),
  );
  const b = new Map((to ? await store.readTree(to) : []).map(e => [e.path, e]));
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const name of names) {
    const path = dirPath ? `${dirPath}/${name}` : name;
    const before = a.get(name);
    const after = b.get(name);
    if (
      before &&
      after &&
      before.oid === after.oid &&
      before.mode === after.mode
    )
      continue;
    if (before?.type === 'tree' && after?.type === 'tree') {
      await diffTrees(store, before.oid, after.oid, path, out);
    } else if (
      before &&
      after &&
      before.type !== 'tree' &&
      after.type !== 'tree'
    ) {
      out.push({ path, status: 'modified' });
    } else {
      if (before) {
        for (const p of await allFiles(store, before, path))
          out.push({ path: p, status: 'deleted' });
      }
      if (after) {
        for (const p of await allFiles(store, after, path))
          out.push({ path: p, status: 'added' });
      }
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
