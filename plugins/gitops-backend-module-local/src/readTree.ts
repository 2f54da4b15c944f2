/*
 * Reading paths out of git trees: the entry at a path below a commit or tree, and a file's text.
 */
import type { FileBytes, FileContent } from '@butler-portal/plugin-gitops-node';
import type { ObjectStore, TreeItem } from './objectStore';

/** the tree entry at `path` below a commit or tree, undefined when absent */
export async function findTreeEntry(
  objects: ObjectStore,
  treeish: string,
  path: string,
): Promise<TreeItem | undefined> {
  let entry: Readonly<TreeItem> | undefined = {
    mode: '040000',
    path: '',
    oid: treeish,
    type: 'tree',
  };
  for (const part of path ? path.split('/') : []) {
    if (entry?.type !== 'tree') return undefined;
    entry = (await objects.readTreeShared(entry.oid)).find(
      e => e.path === part,
    );
  }
  return entry && { ...entry };
}

/** a file's bytes at a commit or tree, undefined when there is no such file */
export async function readBytesAt(
  objects: ObjectStore,
  treeish: string,
  path: string,
): Promise<(FileBytes & { content: Buffer }) | undefined> {
  const entry = await findTreeEntry(objects, treeish, path);
  if (entry?.type !== 'blob') return undefined;
  return { path, content: await objects.readBlob(entry.oid), sha: entry.oid };
}

/** a file's text at a commit or tree, undefined when there is no such file */
export async function readTextAt(
  objects: ObjectStore,
  treeish: string,
  path: string,
): Promise<FileContent | undefined> {
  const file = await readBytesAt(objects, treeish, path);
  return file && { ...file, content: file.content.toString('utf8') };
}
