import fs from 'fs';
import path from 'path';
import {
  ensureLocalRepository,
  PRE_RECEIVE_HOOK,
} from './ensureLocalRepository';
import { fsck, git, makeTempDir, removeTempDirs } from './testing/gitCli';

afterEach(removeTempDirs);

const author = { name: 'Butler Portal', email: 'portal@example.com' };

async function template(root: string) {
  const dir = path.join(root, 'layout');
  await fs.promises.mkdir(path.join(dir, 'workspaces', 'team-a'), {
    recursive: true,
  });
  await fs.promises.mkdir(path.join(dir, '.git'));
  await fs.promises.writeFile(path.join(dir, '.git', 'junk'), 'not copied');
  await fs.promises.writeFile(path.join(dir, 'README.md'), '# layout\n');
  await fs.promises.writeFile(
    path.join(dir, 'workspaces', 'team-a', '.gitkeep'),
    '',
  );
  await fs.promises.writeFile(path.join(dir, 'check.sh'), '#!/bin/sh\n', {
    mode: 0o755,
  });
  return dir;
}

describe('ensureLocalRepository', () => {
  it('creates a bare repository with one commit holding the template, once', async () => {
    const root = await makeTempDir();
    const dir = path.join(root, 'repos', 'platform.git');
    const templateDir = await template(root);

    expect(
      await ensureLocalRepository({
        dir,
        templateDir,
        defaultBranch: 'trunk',
        initialAuthor: author,
      }),
    ).toEqual({
      created: true,
      defaultBranch: 'trunk',
    });
    expect(
      await git(['--git-dir', dir, 'rev-parse', '--is-bare-repository']),
    ).toBe('true');
    expect(await git(['--git-dir', dir, 'symbolic-ref', 'HEAD'])).toBe(
      'refs/heads/trunk',
    );
    expect(await git(['--git-dir', dir, 'rev-list', '--count', 'trunk'])).toBe(
      '1',
    );
    expect(
      await git(['--git-dir', dir, 'log', '-1', '--format=%an <%ae>|%s']),
    ).toBe(
      'Butler Portal <portal@example.com>|Initial commit from repository layout layout',
    );
    expect(await git(['--git-dir', dir, 'ls-tree', '-r', 'trunk'])).toMatch(
      /^100644 blob \w+\tREADME.md\n100755 blob \w+\tcheck.sh\n100644 blob \w+\tworkspaces\/team-a\/.gitkeep$/,
    );
    expect(await git(['--git-dir', dir, 'config', 'http.receivepack'])).toBe(
      'true',
    );
    expect(await git(['--git-dir', dir, 'config', 'receive.fsckObjects'])).toBe(
      'true',
    );
    const hook = path.join(dir, 'hooks', 'pre-receive');
    expect(await fs.promises.readFile(hook, 'utf8')).toBe(PRE_RECEIVE_HOOK);
    // eslint-disable-next-line no-bitwise
    expect((await fs.promises.stat(hook)).mode & 0o111).toBeTruthy();
    expect(await fsck(dir)).toBe('');

    // idempotent: the second start keeps history and repairs the push rules
    const head = await git(['--git-dir', dir, 'rev-parse', 'trunk']);
    await fs.promises.writeFile(hook, '#!/bin/sh\nexit 0\n');
    expect(
      await ensureLocalRepository({ dir, templateDir, initialAuthor: author }),
    ).toEqual({
      created: false,
      defaultBranch: 'trunk',
    });
    expect(await git(['--git-dir', dir, 'rev-parse', 'trunk'])).toBe(head);
    expect(await fs.promises.readFile(hook, 'utf8')).toBe(PRE_RECEIVE_HOOK);
    expect(
      (await fs.promises.readdir(path.dirname(dir))).filter(n =>
        n.includes('.tmp-'),
      ),
    ).toEqual([]);
  });

  it('gives the same repository to concurrent first starts', async () => {
    const root = await makeTempDir();
    const dir = path.join(root, 'platform.git');
    const templateDir = await template(root);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        ensureLocalRepository({ dir, templateDir, initialAuthor: author }),
      ),
    );
    expect(results.filter(r => r.created)).toHaveLength(1);
    expect(await git(['--git-dir', dir, 'rev-list', '--count', 'main'])).toBe(
      '1',
    );
    expect((await fs.promises.readdir(root)).sort()).toEqual([
      'layout',
      'platform.git',
    ]);
    expect(await fsck(dir)).toBe('');
  });

  it('starts with an empty commit without a template, and can be cloned', async () => {
    const root = await makeTempDir();
    const dir = path.join(root, 'empty.git');
    await fs.promises.mkdir(dir); // an empty folder is fine
    await ensureLocalRepository({ dir, initialAuthor: author });
    await git(['clone', '--quiet', dir, path.join(root, 'clone')]);
    expect(
      await git(['log', '--format=%s'], { cwd: path.join(root, 'clone') }),
    ).toBe('Initial commit');
  });

  it('refuses a folder that holds something else, and a missing template', async () => {
    const root = await makeTempDir();
    await fs.promises.writeFile(path.join(root, 'file.txt'), 'x');
    await expect(
      ensureLocalRepository({ dir: root, initialAuthor: author }),
    ).rejects.toThrow(/is not a bare git repository/);
    await expect(
      ensureLocalRepository({
        dir: path.join(root, 'x.git'),
        templateDir: path.join(root, 'nope'),
        initialAuthor: author,
      }),
    ).rejects.toThrow(/templateDir/);
    await expect(
      ensureLocalRepository({
        dir: path.join(root, 'y.git'),
        defaultBranch: 'a..b',
        initialAuthor: author,
      }),
    ).rejects.toThrow(/defaultBranch/);
  });
});
