import { createLocalRepository } from './__testUtils__/localRepository';
import { readBlobsByNameWithGit, readBlobsWithGit } from './catFileBatch';
import { LocalGitProvider } from './LocalGitProvider';
import { removeTempDirs } from './testing/gitCli';

afterEach(removeTempDirs);

describe('readBlobsWithGit', () => {
  it('reads many blobs in one git process, byte for byte, leaving unknown ids out', async () => {
    const files: Record<string, string> = {
      'a.yaml': 'a: 1\n',
      'b/c.yaml': 'emoji: "🚀"\nlines: |\n  one\n  two\n',
      'empty.yaml': '',
    };
    const { dir } = await createLocalRepository(files);
    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const tree = await provider.listTree();
    const ids = tree.filter(e => e.path in files).map(e => e.sha);
    const unknown = '0'.repeat(40);
    const blobs = await readBlobsWithGit(dir, [...ids, unknown]);
    expect(blobs.has(unknown)).toBe(false);
    for (const entry of tree.filter(e => e.path in files)) {
      expect(blobs.get(entry.sha)).toBe(files[entry.path]);
    }
    await expect(provider.readBlobs(ids)).resolves.toEqual(blobs);
    await expect(readBlobsWithGit(dir, [])).resolves.toEqual(new Map());
  });

  it('answers the same for a few ids (read in process) and for many (one git process)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`f${i}.yaml`] = `n: ${i}\n`;
    const { dir } = await createLocalRepository(files);
    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const tree = await provider.listTree();
    const ids = tree.map(e => e.sha);
    const unknown = '0'.repeat(40);
    // an unknown id and a commit's id (no blob) are left out, as git's batch leaves them out
    for (const asked of [ids.slice(0, 3), ids]) {
      const some = [...asked, unknown, await provider.head()];
      const read = await provider.readBlobs(some);
      expect(read).toEqual(await readBlobsWithGit(dir, some));
      expect([...read.keys()]).toEqual(asked);
      asked.forEach(id => expect(files[tree.find(e => e.sha === id)!.path]).toBe(read.get(id)));
    }
  });
});

describe('readBlobsByNameWithGit', () => {
  it('answers <commit>:<path> names in the order asked, undefined for what git does not have', async () => {
    const { dir } = await createLocalRepository({ 'a.yaml': 'a: 1\n', 'b/c.yaml': 'c: 2\n' });
    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const head = await provider.head();
    await expect(
      readBlobsByNameWithGit(dir, [
        `${head}:b/c.yaml`,
        `${head}:nope.yaml`,
        `${head}:a.yaml`,
        `${head}:b`,
      ]),
    ).resolves.toEqual(['c: 2\n', undefined, 'a: 1\n', undefined]);
    await expect(readBlobsByNameWithGit(dir, ['x\ny'])).rejects.toThrow(/line break/);
  });
});
