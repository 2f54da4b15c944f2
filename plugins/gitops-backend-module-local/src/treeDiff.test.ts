import { createLocalRepository } from './__testUtils__/localRepository';
import { treeEntries } from './__testUtils__/treeEntries';
import { ObjectStore } from './objectStore';
import { git, removeTempDirs } from './testing/gitCli';
import { diffPaths } from './treeDiff';

afterEach(removeTempDirs);

const STATUS = { A: 'added', M: 'modified', D: 'deleted' } as const;

/** what git itself says differs between two trees */
async function gitDiff(dir: string, from: string, to: string) {
  const out = await git(['--git-dir', dir, 'diff-tree', '-r', '--name-status', from, to]);
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const [status, path] = line.split('\t');
      return { path, status: STATUS[status as keyof typeof STATUS] };
    });
}

const sorted = (paths: Array<{ path: string; status: string }>) =>
  [...paths].sort((a, b) => (`${a.path} ${a.status}` < `${b.path} ${b.status}` ? -1 : 1));

describe('diffPaths', () => {
  it('finds what git diff-tree finds: edits, adds, deletes, and names that change between file and folder', async () => {
    const { dir } = await createLocalRepository({ 'README.md': 'x\n' });
    const store = new ObjectStore(dir);
    const one = await store.writeBlob('one\n');
    const two = await store.writeBlob('two\n');
    const { blob, tree } = treeEntries(store);
    // a large folder (one tree object) with a few changes among many equal entries
    const many = (changed: boolean) =>
      Array.from({ length: 300 }, (_, i) => blob(`ws-${i}.yaml`, changed && i % 100 === 7 ? two : one));
    const before = await store.writeTree([
      blob('a-b', one),
      await tree('a', [blob('x.yaml', one)]),
      blob('f', one),
      await tree('keep', [blob('k.yaml', one)]),
      await tree('workspaces', [await tree('team-a', many(false))]),
      blob('gone', one),
    ]);
    const after = await store.writeTree([
      blob('a-b', two),
      blob('a', one),
      await tree('f', [blob('g', one)]),
      await tree('keep', [blob('k.yaml', one)]),
      await tree('workspaces', [await tree('team-a', [...many(true), blob('ws-new.yaml', one)])]),
      blob('new', one),
    ]);
    const expected = await gitDiff(dir, before, after);
    expect(expected).toHaveLength(11);
    expect(sorted(await diffPaths(store, before, after))).toEqual(sorted(expected));
    expect(sorted(await diffPaths(store, after, before))).toEqual(sorted(await gitDiff(dir, after, before)));
    expect(await diffPaths(store, after, after)).toEqual([]);
  });
});
