import { randomBytes } from 'crypto';
import fs from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import path from 'path';
import { alice } from '@butler-portal/plugin-gitops-node/testUtils';
import { createLocalRepository } from './__testUtils__/localRepository';
import { LocalGitProvider, PushedRef } from './LocalGitProvider';
import { createSmartHttpHandler } from './smartHttp';
import { fsck, git, gitRefs, removeTempDirs, runGit } from './testing/gitCli';

async function setup(options: { maxPushBytes?: number } = {}) {
  const { root, dir } = await createLocalRepository({
    'README.md': '# platform\n',
  });

  const events: unknown[] = [];
  const provider = new LocalGitProvider({
    repository: 'platform',
    dir,
    onEvent: e => events.push(e),
  });
  const pushes: Array<{ repo: string; refs: PushedRef[] }> = [];
  const remoteUsers: string[] = [];
  const handler = createSmartHttpHandler({
    ...options,
    resolveRepoDir: name => (name === 'platform' ? dir : undefined),
    onPush: async (repo, refs) => {
      pushes.push({ repo, refs });
      await provider.handlePush(refs);
    },
  });
  const server = http.createServer((req, res) => {
    remoteUsers.push('guest');
    handler(req, res, { remoteUser: 'guest' }).catch(e => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { root, dir, provider, events, pushes, server, url };
}

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise(resolve =>
    server ? server.close(resolve) : resolve(undefined),
  );
  server = undefined;
  await removeTempDirs();
});

async function commitFile(work: string, file: string, content: string) {
  await fs.promises.mkdir(path.dirname(path.join(work, file)), {
    recursive: true,
  });
  await fs.promises.writeFile(path.join(work, file), content);
  await git(['add', '-A'], { cwd: work });
  await git(['commit', '--quiet', '-m', `edit ${file}`], { cwd: work });
}

describe('createSmartHttpHandler', () => {
  it('lets git clone, push a branch that becomes a change, and fetch the change back', async () => {
    const ctx = await setup();
    server = ctx.server;
    const work = path.join(ctx.root, 'work');
    await git(['clone', '--quiet', `${ctx.url}/platform.git`, work]);
    expect(await git(['rev-parse', 'HEAD'], { cwd: work })).toBe(
      await ctx.provider.head(),
    );

    await git(['checkout', '--quiet', '-b', 'feature/from-ide'], { cwd: work });
    await commitFile(work, 'workspaces/team-a/ide.yaml', 'kind: Workspace\n');
    const pushed = await git(['rev-parse', 'HEAD'], { cwd: work });
    await git(['push', '--quiet', 'origin', 'feature/from-ide'], { cwd: work });

    expect(ctx.pushes).toEqual([
      {
        repo: 'platform',
        refs: [
          {
            ref: 'refs/heads/feature/from-ide',
            before: undefined,
            after: pushed,
          },
        ],
      },
    ]);
    const change = await ctx.provider.openChangeFromBranch({
      branch: 'feature/from-ide',
      title: 'From the IDE',
      description: '',
      actor: alice,
    });
    expect(change).toMatchObject({
      headSha: pushed,
      paths: ['workspaces/team-a/ide.yaml'],
    });

    // a second push to the branch moves the change's head
    await commitFile(
      work,
      'workspaces/team-a/ide.yaml',
      'kind: Workspace\n# v2\n',
    );
    await git(['push', '--quiet', 'origin', 'feature/from-ide'], { cwd: work });
    const v2 = await git(['rev-parse', 'HEAD'], { cwd: work });
    expect((await ctx.provider.getChange('1'))!.headSha).toBe(v2);
    expect(ctx.events).toContainEqual({
      type: 'change',
      repository: 'platform',
      changeId: '1',
      action: 'updated',
    });

    // a mirror over HTTP is a complete backup, change requests included
    const mirror = path.join(ctx.root, 'mirror.git');
    await git([
      'clone',
      '--quiet',
      '--mirror',
      `${ctx.url}/platform.git`,
      mirror,
    ]);
    const refs = await gitRefs(mirror);
    expect(refs['refs/changes/01/1/meta']).toBe(
      (await gitRefs(ctx.dir))['refs/changes/01/1/meta'],
    );
    const restored = new LocalGitProvider({
      repository: 'platform',
      dir: mirror,
    });
    expect(await restored.getChange('1')).toEqual(
      await ctx.provider.getChange('1'),
    );
    expect(await fsck(ctx.dir)).toBe('');
  });

  it('rejects pushes to the default branch and to the refs the portal manages', async () => {
    const ctx = await setup();
    server = ctx.server;
    await ctx.provider.openChange({
      branch: 'butler/x',
      title: 'x',
      description: '',
      operations: [{ action: 'create', path: 'x.yaml', content: 'x' }],
      actor: alice,
    });
    const before = await gitRefs(ctx.dir);
    const work = path.join(ctx.root, 'work');
    await git(['clone', '--quiet', `${ctx.url}/platform.git`, work]);
    await commitFile(work, 'evil.yaml', 'x');

    for (const target of [
      'refs/heads/main',
      'refs/changes/01/1/meta',
      'refs/changes/02/2/meta',
      'refs/meta/butler/change-sequence',
      'refs/notes/butler-status',
      'refs/tags/v1',
    ]) {
      const result = await runGit(['push', 'origin', `+HEAD:${target}`], {
        cwd: work,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/pre-receive hook declined/);
    }
    const deleteMain = await runGit(['push', 'origin', ':refs/heads/main'], {
      cwd: work,
    });
    expect(deleteMain.code).not.toBe(0);

    expect(await gitRefs(ctx.dir)).toEqual(before);
    expect(ctx.pushes).toEqual([]);
    expect(await fsck(ctx.dir)).toBe('');
  });

  it('refuses a pack over the size limit before any ref moves, saying why', async () => {
    const ctx = await setup({ maxPushBytes: 4096 });
    server = ctx.server;
    const before = await gitRefs(ctx.dir);
    const work = path.join(ctx.root, 'work');
    await git(['clone', '--quiet', `${ctx.url}/platform.git`, work]);
    await git(['checkout', '--quiet', '-b', 'feature/huge'], { cwd: work });
    // random bytes do not compress: the pack is about as large as the file
    await commitFile(
      work,
      'huge.bin',
      randomBytes(64 * 1024).toString('base64'),
    );
    const result = await runGit(['push', 'origin', 'feature/huge'], {
      cwd: work,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/pack exceeds maximum allowed size/);
    expect(await gitRefs(ctx.dir)).toEqual(before);
    expect(ctx.pushes).toEqual([]);
    expect(await fsck(ctx.dir)).toBe('');
  });

  it('answers 404 for unknown repositories and paths, 403 for the dumb protocol', async () => {
    const ctx = await setup();
    server = ctx.server;
    const get = (p: string) =>
      new Promise<number>((resolve, reject) =>
        http
          .get(`${ctx.url}${p}`, res => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject),
      );
    expect(await get('/other.git/info/refs?service=git-upload-pack')).toBe(404);
    expect(await get('/platform.git/HEAD')).toBe(404);
    expect(
      await get('/..%2F..%2Fetc.git/info/refs?service=git-upload-pack'),
    ).toBe(404);
    expect(await get('/platform.git/info/refs')).toBe(403);
    expect(await get('/platform.git/git-upload-pack')).toBe(405);
    expect(await get('/platform.git/info/refs?service=git-upload-pack')).toBe(
      200,
    );
    const clone = await runGit([
      'clone',
      `${ctx.url}/missing.git`,
      path.join(ctx.root, 'nope'),
    ]);
    expect(clone.code).not.toBe(0);
  });
});
