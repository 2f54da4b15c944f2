import path from 'path';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { ObjectStore } from './objectStore';
import { applyFileOperations } from './treeEdit';
import { diffPaths } from './treeDiff';
import { mergeTrees } from './treeMerge';
import { fsck, git, makeTempDir, removeTempDirs } from './testing/gitCli';

afterEach(removeTempDirs);

async function setup() {
  const dir = path.join(await makeTempDir(), 't.git');
  await git(['init', '--quiet', '--bare', dir]);
  const store = new ObjectStore(dir);
  const base = await applyFileOperations(store, await store.writeTree([]), [
    { action: 'create', path: 'a/one.yaml', content: '1' },
    { action: 'create', path: 'a/two.yaml', content: '2' },
    { action: 'create', path: 'b/three.yaml', content: '3' },
    { action: 'create', path: 'README.md', content: 'r' },
  ]);
  return { dir, store, base };
}

async function files(dir: string, tree: string) {
  return git(['--git-dir', dir, 'ls-tree', '-r', '--name-only', tree]);
}

describe('tree edits, diffs and merges', () => {
  it('edits only the touched folders and diffs them back', async () => {
    const { dir, store, base } = await setup();
    const next = await applyFileOperations(store, base, [
      { action: 'update', path: 'a/one.yaml', content: '1b' },
      { action: 'delete', path: 'b/three.yaml' },
      { action: 'create', path: 'c/d/four.yaml', content: '4' },
    ]);
    expect((await files(dir, next)).split('\n')).toEqual([
      'README.md',
      'a/one.yaml',
      'a/two.yaml',
      'c/d/four.yaml',
    ]);
    expect(await diffPaths(store, base, next)).toEqual([
      { path: 'a/one.yaml', status: 'modified' },
      { path: 'b/three.yaml', status: 'deleted' },
      { path: 'c/d/four.yaml', status: 'added' },
    ]);
    await expect(
      applyFileOperations(store, base, [
        { action: 'create', path: 'README.md/x', content: 'x' },
      ]),
    ).rejects.toThrow(/README.md is a file in the base commit/);
    await expect(
      applyFileOperations(store, base, [
        { action: 'delete', path: 'a/none.yaml' },
      ]),
    ).rejects.toThrow(NotFoundError);
    await expect(
      applyFileOperations(store, base, [
        { action: 'create', path: 'a', content: 'x' },
      ]),
    ).rejects.toThrow(ConflictError);
    expect(await fsck(dir)).toBe('');
  });

  it('merges changes to different files, also in the same folder', async () => {
    const { dir, store, base } = await setup();
    const ours = await applyFileOperations(store, base, [
      { action: 'update', path: 'a/one.yaml', content: 'ours' },
      { action: 'delete', path: 'b/three.yaml' },
    ]);
    const theirs = await applyFileOperations(store, base, [
      { action: 'update', path: 'a/two.yaml', content: 'theirs' },
      { action: 'create', path: 'e/new.yaml', content: 'n' },
    ]);
    const dry = await mergeTrees(store, { base, ours, theirs, write: false });
    expect(dry).toEqual({ conflicts: [], tree: undefined });
    const merged = await mergeTrees(store, { base, ours, theirs, write: true });
    expect(merged.conflicts).toEqual([]);
    expect(
      await git([
        '--git-dir',
        dir,
        'cat-file',
        'blob',
        `${merged.tree}:a/one.yaml`,
      ]),
    ).toBe('ours');
    expect(
      await git([
        '--git-dir',
        dir,
        'cat-file',
        'blob',
        `${merged.tree}:a/two.yaml`,
      ]),
    ).toBe('theirs');
    expect((await files(dir, merged.tree!)).split('\n')).toEqual([
      'README.md',
      'a/one.yaml',
      'a/two.yaml',
      'e/new.yaml',
    ]);
    // same change on both sides is not a conflict
    const same = await mergeTrees(store, {
      base,
      ours,
      theirs: ours,
      write: true,
    });
    expect(same.tree).toBe(ours);
    expect(await fsck(dir)).toBe('');
  });

  it('reports a path changed differently on both sides as a conflict', async () => {
    const { store, base } = await setup();
    const edit = (ops: Parameters<typeof applyFileOperations>[2]) =>
      applyFileOperations(store, base, ops);
    const ours = await edit([
      { action: 'update', path: 'a/one.yaml', content: 'x' },
      { action: 'create', path: 'z', content: 'z1' },
    ]);
    const theirs = await edit([
      { action: 'delete', path: 'a/one.yaml' },
      { action: 'create', path: 'z', content: 'z2' },
    ]);
    expect(
      await mergeTrees(store, { base, ours, theirs, write: true }),
    ).toEqual({
      conflicts: ['a/one.yaml', 'z'],
      tree: undefined,
    });
  });
});
