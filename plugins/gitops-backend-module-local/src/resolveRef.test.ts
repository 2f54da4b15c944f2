/*
 * Pinning a published version: branches, lightweight and annotated tags and full SHAs resolve to
 * the commit, checked against the real git CLI; hostile or ambiguous names are refused. Seeding
 * is deterministic, so a record in one seeded repository can pin a commit of another.
 */
import fs from 'fs';
import path from 'path';
import { InputError, NotFoundError } from '@backstage/errors';
import { createLocalRepository } from './__testUtils__/localRepository';
import { ensureLocalRepository } from './ensureLocalRepository';
import { LocalGitProvider } from './LocalGitProvider';
import { git, makeTempDir, removeTempDirs } from './testing/gitCli';

jest.setTimeout(60_000);

afterEach(removeTempDirs);

async function setup() {
  const { dir } = await createLocalRepository({ 'main.tf': '# v1\n' });
  const provider = new LocalGitProvider({ repository: 'modules', dir });
  const first = await provider.head();
  // a second commit on a side branch, made with git itself
  const tree = (
    await git(['--git-dir', dir, 'rev-parse', `${first}^{tree}`])
  );
  const second = (
    await git(['--git-dir', dir, 'commit-tree', tree, '-p', first, '-m', 'next'])
  );
  await git(['--git-dir', dir, 'update-ref', 'refs/heads/next', second]);
  await git(['--git-dir', dir, 'tag', 'v1.0.0', first]);
  await git(['--git-dir', dir, 'tag', '-a', '-m', 'release', 'v1.1.0', second]);
  return { dir, provider, first, second };
}

describe('LocalGitProvider.resolveRef', () => {
  it('resolves branches, lightweight and annotated tags and full SHAs to the commit', async () => {
    const { dir, provider, first, second } = await setup();
    expect(await provider.resolveRef('main')).toBe(first);
    expect(await provider.resolveRef('next')).toBe(second);
    expect(await provider.resolveRef('v1.0.0')).toBe(first);
    // the annotated tag object is peeled: the answer is the commit, as `git rev-parse v1.1.0^{}`
    const peeled = (
      await git(['--git-dir', dir, 'rev-parse', 'v1.1.0^{commit}'])
    );
    expect(await provider.resolveRef('v1.1.0')).toBe(peeled);
    expect(await provider.resolveRef(second)).toBe(second);
  });

  it('refuses missing, ambiguous and hostile refs', async () => {
    const { dir, provider, second } = await setup();
    await expect(provider.resolveRef('nope')).rejects.toThrow(NotFoundError);
    await expect(provider.resolveRef('f'.repeat(40))).rejects.toThrow(
      NotFoundError,
    );
    // a tag named like a branch, at another commit
    await git(['--git-dir', dir, 'tag', 'main', second]);
    await expect(provider.resolveRef('main')).rejects.toThrow(
      /ambiguous.*give the commit SHA/,
    );
    for (const hostile of [
      '../../config',
      'refs/heads/main',
      '-x',
      'a..b',
      'a b',
      '',
      'HEAD',
    ]) {
      await expect(provider.resolveRef(hostile)).rejects.toThrow(InputError);
    }
  });
});

describe('seeding', () => {
  it('gives the same first commit on every installation', async () => {
    const root = await makeTempDir();
    const layout = path.join(root, 'layout');
    await fs.promises.mkdir(path.join(layout, 'm'), { recursive: true });
    await fs.promises.writeFile(path.join(layout, 'm', 'main.tf'), '# m\n');
    const author = { name: 'Butler Portal', email: 'portal@example.com' };
    const heads: string[] = [];
    for (const name of ['one.git', 'two.git']) {
      const dir = path.join(root, name);
      await ensureLocalRepository({ dir, templateDir: layout, initialAuthor: author });
      heads.push(
        (await git(['--git-dir', dir, 'rev-parse', 'main'])),
      );
      // a second apart at least, so a clock-dated seed would differ
      await new Promise(r => setTimeout(r, 1100));
    }
    expect(heads[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(heads[1]).toBe(heads[0]);
  });
});
