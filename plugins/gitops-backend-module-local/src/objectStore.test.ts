import { createLocalRepository } from './__testUtils__/localRepository';
import { ObjectStore } from './objectStore';
import { git, removeTempDirs, runGit } from './testing/gitCli';

afterEach(removeTempDirs);

describe('ObjectStore.mergeBase', () => {
  it('finds the merge base git finds, also across merges and for clock ties', async () => {
    const { dir } = await createLocalRepository({ 'README.md': 'x\n' });
    const store = new ObjectStore(dir);
    const root = (await git(['--git-dir', dir, 'rev-parse', 'HEAD'])).trim();
    const tree = (await store.readCommit(root)).tree;
    let second = 1_800_000_000;
    const commit = (message: string, parents: string[], sameSecond = false) =>
      store.writeCommit({
        tree,
        parents,
        message,
        author: { name: 'T', email: 't@example.com' },
        date: new Date((sameSecond ? second : ++second) * 1000),
      });
    // main: root - m1 - m2 - merge(x1) - m4 ; branch x: root - x1 - x2 ; y off m1, z off m4
    const m1 = await commit('m1', [root]);
    const x1 = await commit('x1', [root]);
    const m2 = await commit('m2', [m1]);
    const m3 = await commit('merge x1', [m2, x1]);
    const x2 = await commit('x2', [x1], true);
    const y1 = await commit('y1', [m1], true);
    const m4 = await commit('m4', [m3]);
    const z1 = await commit('z1', [m4]);
    const lone = await store.writeCommit({
      tree,
      parents: [],
      message: 'unrelated',
      author: { name: 'T', email: 't@example.com' },
      date: new Date(++second * 1000),
    });
    const pairs: Array<[string, string]> = [
      [m4, x2],
      [x2, m4],
      [m4, y1],
      [z1, m4],
      [m4, z1],
      [y1, x2],
      [m3, m3],
      [z1, root],
    ];
    for (const [a, b] of pairs) {
      const expected = (
        await git(['--git-dir', dir, 'merge-base', a, b])
      ).trim();
      await expect(store.mergeBase(a, b)).resolves.toBe(expected);
    }
    await expect(store.mergeBase(m4, lone)).resolves.toBeUndefined();
  });
});

describe('ObjectStore.writeTree', () => {
  it('reads a tree it wrote as a fresh store reads it from disk', async () => {
    const { dir } = await createLocalRepository({ 'README.md': 'x\n' });
    const store = new ObjectStore(dir);
    const blob = await store.writeBlob('x\n');
    const sub = await store.writeTree([
      { mode: '100644', path: 'f', oid: blob, type: 'blob' },
    ]);
    // out of order, a folder whose name sorts differently with its slash, a number mode
    const oid = await store.writeTree([
      { mode: '100644', path: 'b', oid: blob, type: 'blob' },
      { mode: '40000', path: 'a', oid: sub, type: 'tree' },
      { mode: '100644', path: 'a-b', oid: blob, type: 'blob' },
      { mode: '100755', path: 'A', oid: blob, type: 'blob' },
    ]);
    expect(await store.readTree(oid)).toEqual(
      await new ObjectStore(dir).readTree(oid),
    );
    expect((await store.readTree(oid)).map(e => e.path)).toEqual([
      'A',
      'a',
      'a-b',
      'b',
    ]);
  });

  it('writes the tree and blob git writes for the same entries, in git order', async () => {
    const { dir } = await createLocalRepository({ 'README.md': 'x\n' });
    const store = new ObjectStore(dir);
    const blob = await store.writeBlob('content\n');
    // the blob's id is git's: hash-object of the same bytes
    expect(blob).toBe(
      await git(['--git-dir', dir, 'hash-object', '--stdin'], {
        input: 'content\n',
      }),
    );
    const sub = await store.writeTree([
      { mode: '100644', path: 'f', oid: blob, type: 'blob' },
    ]);
    // names whose order differs between code units, UTF-8 bytes and git's folder-with-slash rule
    const entries = [
      { mode: '100644', path: 'a.b', oid: blob, type: 'blob' as const },
      { mode: '040000', path: 'a', oid: sub, type: 'tree' as const },
      { mode: '100644', path: 'a-b', oid: blob, type: 'blob' as const },
      { mode: '100755', path: 'run.sh', oid: blob, type: 'blob' as const },
      { mode: '120000', path: 'link', oid: blob, type: 'blob' as const },
      {
        mode: '100644',
        path: '\u{1F600}.yaml',
        oid: blob,
        type: 'blob' as const,
      },
      { mode: '100644', path: '\uFF21.yaml', oid: blob, type: 'blob' as const },
      { mode: '100644', path: 'é.yaml', oid: blob, type: 'blob' as const },
    ];
    const oid = await store.writeTree(entries);
    const mktree = entries
      .map(e => `${e.mode} ${e.type} ${e.oid}\t${e.path}`)
      .join('\n');
    expect(oid).toBe(
      await git(['--git-dir', dir, 'mktree'], { input: `${mktree}\n` }),
    );
    const fsck = await runGit([
      '--git-dir',
      dir,
      'fsck',
      '--strict',
      '--no-dangling',
    ]);
    expect(fsck.stderr).toBe('');
    expect(fsck.code).toBe(0);
    // a fresh store reads it back as it was kept
    expect(await new ObjectStore(dir).readTree(oid)).toEqual(
      await store.readTree(oid),
    );
  });

  it('refuses entries git could not hold, naming the entry', async () => {
    const { dir } = await createLocalRepository({ 'README.md': 'x\n' });
    const store = new ObjectStore(dir);
    const blob = await store.writeBlob('x\n');
    const refused: Array<[string, string]> = [
      ['a/b', "holds '/', '\\' or NUL"],
      ['', 'is empty'],
      ['.', "is '.' or '..'"],
      ['..', "is '.' or '..'"],
      ['.GIT', 'is .git on some file system'],
      ['.git. ', 'is .git on some file system'],
      ['git~1', 'is .git on some file system'],
      ['.git::$INDEX_ALLOCATION', 'is .git on some file system'],
      ['.g\u200cit', 'is .git on some file system'],
      ['a\\b', "holds '/', '\\' or NUL"],
      ['a\ud800', 'holds a lone surrogate'],
    ];
    for (const [name, reason] of refused) {
      await expect(
        store.writeTree([
          { mode: '100644', path: name, oid: blob, type: 'blob' },
        ]),
      ).rejects.toThrow(`tree entry name '${name}' ${reason}`);
    }
    await expect(
      store.writeTree([
        { mode: '100644', path: 'f', oid: blob, type: 'blob' },
        { mode: '100755', path: 'f', oid: blob, type: 'blob' },
      ]),
    ).rejects.toThrow("tree entry name 'f' appears twice");
    await expect(
      store.writeTree([
        { mode: '100644', path: 'f', oid: 'xyz', type: 'blob' },
      ]),
    ).rejects.toThrow("tree entry 'f' has no object id: 'xyz'");
    await expect(
      store.writeTree([{ mode: '100000', path: 'f', oid: blob, type: 'blob' }]),
    ).rejects.toThrow("unknown tree entry mode '100000'");
  });
});
