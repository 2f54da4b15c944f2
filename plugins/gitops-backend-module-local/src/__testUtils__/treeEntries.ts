/*
 * Test helper: tree entries for ObjectStore.writeTree, a file by its blob id and a folder written
 * from its own entries.
 */
import type { ObjectStore, TreeItem } from '../objectStore';

export function treeEntries(store: ObjectStore) {
  return {
    blob: (path: string, oid: string): TreeItem => ({ mode: '100644', path, oid, type: 'blob' }),
    tree: async (path: string, entries: TreeItem[]): Promise<TreeItem> => ({
      mode: '040000',
      path,
      oid: await store.writeTree(entries),
      type: 'tree',
    }),
  };
}
