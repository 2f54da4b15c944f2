/*
 * Applies a change request's file operations to a tree without a working copy: only the
 * directories on the edited paths are read and rewritten, the rest of the tree is shared.
 */
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { FileOperation } from '@butler-portal/plugin-gitops-node';
import { ObjectStore, TreeItem } from './objectStore';
import { validateRepoPath } from '@butler-portal/plugin-gitops-node';

type Edit =
  | { kind: 'file'; op: FileOperation }
  | { kind: 'dir'; children: Map<string, Edit> };

function buildEdits(operations: FileOperation[]): Map<string, Edit> {
  const root = new Map<string, Edit>();
  operations.forEach((op, index) => {
    const field = `operations[${index}].path`;
    const parts = validateRepoPath(op.path, field).split('/');
    let dir = root;
    parts.slice(0, -1).forEach((part, depth) => {
      const existing = dir.get(part);
      if (existing?.kind === 'file') {
        throw new InputError(
          `${field}: '${op.path}' is below '${parts
            .slice(0, depth + 1)
            .join('/')}', which another operation edits as a file`,
        );
      }
      const next: Edit = existing ?? { kind: 'dir', children: new Map() };
      dir.set(part, next);
      dir = (next as { children: Map<string, Edit> }).children;
    });
    const name = parts[parts.length - 1];
    if (dir.has(name)) {
      throw new InputError(
        `${field}: '${op.path}' is edited by more than one operation`,
      );
    }
    dir.set(name, { kind: 'file', op });
  });
  return root;
}

async function editTree(
  store: ObjectStore,
  treeOid: string | undefined,
  dirPath: string,
  edits: Map<string, Edit>,
): Promise<string | undefined> {
  // the folder's entries as kept by the store, not copied: only the edited names are looked up
  // and replaced (a folder of 50,000 files is one tree, rewritten by every change into it)
  const entries = treeOid ? await store.readTreeShared(treeOid) : [];
  const byName = new Map<string, Readonly<TreeItem>>();
  for (const e of entries) if (edits.has(e.path)) byName.set(e.path, e);
  /** the edited names' new entries; undefined: deleted */
  const replaced = new Map<string, TreeItem | undefined>();
  for (const [name, edit] of edits) {
    const full = dirPath ? `${dirPath}/${name}` : name;
    const existing = byName.get(name);
    if (edit.kind === 'dir') {
      if (existing && existing.type !== 'tree') {
        throw new ConflictError(
          `${full} is a file in the base commit, not a folder`,
        );
      }
      const oid = await editTree(store, existing?.oid, full, edit.children);
      replaced.set(
        name,
        oid ? { mode: '040000', path: name, oid, type: 'tree' } : undefined,
      );
      continue;
    }
    const { op } = edit;
    if (op.action === 'create' && existing) {
      throw new ConflictError(
        `${full}: cannot create, it already exists in the base commit`,
      );
    }
    if (op.action !== 'create' && existing?.type !== 'blob') {
      throw new NotFoundError(
        `${full}: cannot ${op.action}, no such file in the base commit`,
      );
    }
    if (op.action === 'delete') {
      replaced.set(name, undefined);
    } else {
      if (typeof op.content !== 'string') {
        throw new InputError(`${full}: content must be a string`);
      }
      const oid = await store.writeBlob(op.content);
      replaced.set(name, {
        mode: existing?.mode ?? '100644',
        path: name,
        oid,
        type: 'blob',
      });
    }
  }
  const next: TreeItem[] = [];
  for (const e of entries) {
    if (!replaced.has(e.path)) next.push(e);
  }
  for (const entry of replaced.values()) if (entry) next.push(entry);
  // git has no empty folders: a folder whose last file was deleted disappears
  if (next.length === 0 && dirPath !== '') return undefined;
  return store.writeTree(next);
}

/** Writes the blobs and trees of `baseTree` + `operations`; returns the new root tree id. */
export async function applyFileOperations(
  store: ObjectStore,
  baseTree: string,
  operations: FileOperation[],
): Promise<string> {
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new InputError('operations: at least one file operation is required');
  }
  return (await editTree(store, baseTree, '', buildEdits(operations)))!;
}
