import fs from 'fs';
import os from 'os';
import path from 'path';
import { ConflictError } from '@backstage/errors';
import { RefConflictError, RefStore } from './refStore';
import {
  fsck,
  git,
  gitRefs,
  makeTempDir,
  removeTempDirs,
} from './testing/gitCli';

afterEach(removeTempDirs);

/** a bare repo made by git with three commits, returned with their ids */
async function repo() {
  const dir = path.join(await makeTempDir(), 'r.git');
  await git(['init', '--quiet', '--bare', '--initial-branch=main', dir]);
  const commits: string[] = [];
  let parent: string | undefined;
  for (const message of ['one', 'two', 'three']) {
    const tree = await git(['--git-dir', dir, 'mktree'], { input: '' });
    const args = [
      '--git-dir',
      dir,
      'commit-tree',
      tree,
      '-m',
      message,
      ...(parent ? ['-p', parent] : []),
    ];
    parent = await git(args);
    commits.push(parent);
  }
  return { dir, commits };
}

describe('RefStore', () => {
  it('sees packed-refs another writer (git, another store) replaced since it last parsed them', async () => {
    const { dir, commits } = await repo();
    const [one, two, three] = commits;
    const store = new RefStore(dir);
    const other = new RefStore(dir);
    await git(['--git-dir', dir, 'update-ref', 'refs/heads/main', one]);
    await git(['--git-dir', dir, 'pack-refs', '--all']);
    expect(await store.read('refs/heads/main')).toBe(one);
    expect(await store.read('refs/heads/main')).toBe(one);
    await git(['--git-dir', dir, 'update-ref', 'refs/heads/main', two]);
    await git(['--git-dir', dir, 'pack-refs', '--all']);
    expect(await store.read('refs/heads/main')).toBe(two);
    await other.transaction([
      { ref: 'refs/heads/main', expect: two, value: three },
      { ref: 'refs/heads/topic', expect: null, value: one },
    ]);
    expect(await store.read('refs/heads/main')).toBe(three);
    expect([...(await store.list('refs/heads/'))].sort()).toEqual([
      ['refs/heads/main', three],
      ['refs/heads/topic', one],
    ]);
  });

  it('writes refs git reads, and reads refs git writes (loose and packed)', async () => {
    const { dir, commits } = await repo();
    const store = new RefStore(dir);
    await store.transaction([
      { ref: 'refs/heads/main', expect: null, value: commits[0] },
      { ref: 'refs/changes/01/1/meta', expect: null, value: commits[1] },
    ]);
    expect(await gitRefs(dir)).toEqual({
      'refs/changes/01/1/meta': commits[1],
      'refs/heads/main': commits[0],
    });
    // git writes a loose ref over the packed one; we read git's value
    await git(['--git-dir', dir, 'update-ref', 'refs/heads/main', commits[2]]);
    expect(await store.read('refs/heads/main')).toBe(commits[2]);
    expect(await store.read('HEAD')).toBe(commits[2]);
    expect(await store.readSymbolic('HEAD')).toBe('refs/heads/main');
    expect(await store.list('refs/heads/')).toEqual(
      new Map([['refs/heads/main', commits[2]]]),
    );

    // and our next update of it moves the loose value into packed-refs first
    await store.transaction([
      { ref: 'refs/heads/main', expect: commits[2], value: commits[0] },
    ]);
    expect(fs.existsSync(path.join(dir, 'refs/heads/main'))).toBe(false);
    expect((await gitRefs(dir))['refs/heads/main']).toBe(commits[0]);
    expect(
      await fs.promises.readFile(path.join(dir, 'packed-refs'), 'utf8'),
    ).toMatch(/^# pack-refs with: .*sorted/);
    expect(await fsck(dir)).toBe('');
  });

  it('is compare-and-swap: a stale expectation changes nothing', async () => {
    const { dir, commits } = await repo();
    const store = new RefStore(dir);
    await store.transaction([
      { ref: 'refs/heads/a', expect: null, value: commits[0] },
    ]);
    const before = await gitRefs(dir);
    await expect(
      store.transaction([
        { ref: 'refs/heads/b', expect: null, value: commits[1] },
        { ref: 'refs/heads/a', expect: commits[1], value: commits[2] },
      ]),
    ).rejects.toThrow(RefConflictError);
    await expect(
      store.transaction([
        { ref: 'refs/heads/a', expect: null, value: commits[2] },
      ]),
    ).rejects.toThrow(/refs\/heads\/a changed concurrently \(expected absent/);
    expect(await gitRefs(dir)).toEqual(before);
  });

  it('deletes refs, including loose ones written by git', async () => {
    const { dir, commits } = await repo();
    const store = new RefStore(dir);
    await git(['--git-dir', dir, 'update-ref', 'refs/heads/loose', commits[0]]);
    await store.transaction([
      { ref: 'refs/heads/loose', expect: commits[0], value: null },
      { ref: 'refs/heads/kept', expect: null, value: commits[1] },
    ]);
    expect(await gitRefs(dir)).toEqual({ 'refs/heads/kept': commits[1] });
  });

  it('refuses refs that would be both a file and a folder', async () => {
    const { dir, commits } = await repo();
    const store = new RefStore(dir);
    await store.transaction([
      { ref: 'refs/heads/a/b', expect: null, value: commits[0] },
    ]);
    await expect(
      store.transaction([{ ref: 'refs/heads/a', value: commits[0] }]),
    ).rejects.toThrow(
      /cannot create refs\/heads\/a: ref refs\/heads\/a\/b exists/,
    );
    await expect(
      store.transaction([{ ref: 'refs/heads/a/b/c', value: commits[0] }]),
    ).rejects.toThrow(ConflictError);
    await expect(
      store.transaction([{ ref: 'refs/heads/../x', value: commits[0] }]),
    ).rejects.toThrow(/invalid ref name/);
    await expect(
      store.transaction([{ ref: 'refs/heads/x', value: 'nope' }]),
    ).rejects.toThrow(/invalid object id/);
  });

  it('serialises concurrent transactions of two stores through the lock files', async () => {
    const { dir, commits } = await repo();
    const stores = [new RefStore(dir), new RefStore(dir)];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stores[i % 2].transaction([
          { ref: `refs/heads/n${i}`, expect: null, value: commits[i % 3] },
        ]),
      ),
    );
    expect(Object.keys(await gitRefs(dir))).toHaveLength(30);
    expect(await fsck(dir)).toBe('');
  });

  it('removes lock files left by a crashed process', async () => {
    const { dir } = await repo();
    await fs.promises.mkdir(path.join(dir, 'refs/heads/x'), {
      recursive: true,
    });
    const dead = `butler-portal-lock pid=999999999 host=${os.hostname()} at=x\n`;
    await fs.promises.writeFile(path.join(dir, 'refs/heads/x/y.lock'), dead);
    await fs.promises.writeFile(path.join(dir, 'packed-refs.lock'), dead);
    await fs.promises.writeFile(
      path.join(dir, 'refs/heads/alive.lock'),
      `butler-portal-lock pid=${process.pid} host=${os.hostname()}\n`,
    );
    expect((await new RefStore(dir).removeStaleLocks()).sort()).toEqual([
      'packed-refs.lock',
      'refs/heads/x/y.lock',
    ]);
    expect(fs.existsSync(path.join(dir, 'refs/heads/alive.lock'))).toBe(true);
  });
});
