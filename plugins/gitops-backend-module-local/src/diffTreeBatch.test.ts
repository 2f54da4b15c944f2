import { createLocalRepository } from './__testUtils__/localRepository';
import { treeEntries } from './__testUtils__/treeEntries';
import { diffPathsWithGit } from './diffTreeBatch';
import { ObjectStore, type TreeItem } from './objectStore';
import { removeTempDirs } from './testing/gitCli';
import { diffPaths } from './treeDiff';

afterEach(removeTempDirs);

const author = { name: 'Jane', email: 'jane@example.com' };

describe('diffPathsWithGit', () => {
  it('answers each pair as the JavaScript diff does, in the order asked', async () => {
    const { dir } = await createLocalRepository({ 'README.md': 'x\n' });
    const store = new ObjectStore(dir);
    const one = await store.writeBlob('one\n');
    const two = await store.writeBlob('two\n');
    const { blob, tree } = treeEntries(store);
    const commit = async (entries: TreeItem[], parents: string[] = []) =>
      store.writeCommit({ tree: await store.writeTree(entries), parents, message: 'c', author });
    const first = await commit([
      blob('a.yaml', one),
      await tree('team', [blob('x.yaml', one), blob('y.yaml', one)]),
      await tree('gone', [blob('z.yaml', one)]),
      blob('switch', one),
    ]);
    const second = await commit(
      [
        blob('a.yaml', one),
        await tree('team', [blob('new.yaml', one), blob('x.yaml', two), blob('y.yaml', one)]),
        await tree('switch', [blob('inside.yaml', one)]),
        // a file named like a commit id still reads as a path, never as the next answer's start
        blob(first, one),
      ],
      [first],
    );
    const pairs = [
      { base: first, head: second },
      { base: second, head: second },
      { base: second, head: first },
      { base: first, head: second },
    ];
    const answers = await diffPathsWithGit(dir, pairs);
    expect(answers).toHaveLength(4);
    expect(answers[1]).toEqual([]);
    for (const [i, { base, head }] of pairs.entries()) {
      const expected = (await diffPaths(store, base, head)).map(c => c.path);
      expect([...answers[i]].sort()).toEqual([...expected].sort());
    }
    expect([...answers[0]].sort()).toEqual(
      [first, 'gone/z.yaml', 'switch', 'switch/inside.yaml', 'team/new.yaml', 'team/x.yaml'].sort(),
    );
  });

  it('refuses what is not a pair of commit ids, and names git failures', async () => {
    const { dir } = await createLocalRepository({ 'a.yaml': 'a: 1\n' });
    await expect(diffPathsWithGit(dir, [{ base: 'HEAD', head: 'HEAD~1' }])).rejects.toThrow(
      /is not a pair of commit ids/,
    );
    await expect(
      diffPathsWithGit(dir, [{ base: '1'.repeat(40), head: '2'.repeat(40) }]),
    ).rejects.toThrow(/git diff-tree answered 0 of 1 pairs/);
    await expect(diffPathsWithGit(dir, [])).resolves.toEqual([]);
  });
});
