/*
 * Bad input on Git smart HTTP (/api/gitops/git/<repo>.git) against the running plugin: no
 * credentials, hostile repository names, pushes to the default branch or the portal's own refs,
 * garbage packs and packs over the size limit. Each is refused with the reason, and the repository's refs stay as they were.
 */
import { randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  git,
  GUEST,
  refsOf,
  startPortal,
} from '../__testUtils__/startTestPortal';

jest.setTimeout(60_000);

const bearer = { Authorization: `Bearer ${mockCredentials.user.token(GUEST)}` };

/** one pkt-line of the git protocol */
const pkt = (line: string) =>
  `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;

async function portal(options: Parameters<typeof startPortal>[0] = {}) {
  const started = await startPortal(options);
  const gitDir = path.join(started.dir.path, 'platform.git');
  const refs = () => refsOf(gitDir);
  const token = encodeURIComponent(mockCredentials.user.token(GUEST));
  const url = `http://x:${token}@127.0.0.1:${started.port}/api/gitops/git/platform.git`;
  return { ...started, api: request(started.server), gitDir, refs, url };
}

describe('git smart HTTP', () => {
  it('asks for credentials on a push too, and answers 404 for hostile repository names', async () => {
    const { api } = await portal();
    const push = await api
      .post('/api/gitops/git/platform.git/git-receive-pack')
      .set('Content-Type', 'application/x-git-receive-pack-request')
      .send(Buffer.from('0000'))
      .expect(401);
    expect(push.headers['www-authenticate']).toMatch(/^Basic realm=/);

    for (const name of [
      '..%2Fx.git',
      '%2e%2e.git',
      '..%2F..%2Fetc.git',
      'nope.git',
    ]) {
      const res = await api
        .get(`/api/gitops/git/${name}/info/refs?service=git-upload-pack`)
        .set(bearer);
      expect({ name, status: res.status }).toEqual({ name, status: 404 });
    }
  });

  it('refuses a push to the default branch and to the refs the portal manages, with the reason', async () => {
    const { dir, refs, url } = await portal();
    const work = path.join(dir.path, 'work');
    expect((await git(['clone', '--quiet', url, work])).code).toBe(0);
    fs.writeFileSync(path.join(work, 'NOTES.md'), 'straight to main\n');
    await git(['add', '.'], work);
    await git(
      ['-c', 'user.name=Guest', '-c', 'user.email=g@x', 'commit', '-qm', 'x'],
      work,
    );
    const before = await refs();

    for (const target of ['main', 'refs/changes/01/1/head', 'refs/meta/x']) {
      const pushed = await git(['push', 'origin', `HEAD:${target}`], work);
      expect(pushed.code).not.toBe(0);
      expect(pushed.stderr).toContain('pre-receive hook declined');
    }
    const main = await git(['push', 'origin', 'HEAD:main'], work);
    expect(main.stderr).toMatch(
      /refs\/heads\/main is the default branch; it changes only by merging a change request/,
    );
    const deleted = await git(['push', 'origin', ':main'], work);
    expect(deleted.code).not.toBe(0);
    expect(await refs()).toBe(before);

    // a branch of its own is what a push is for
    expect(
      (await git(['push', 'origin', 'HEAD:refs/heads/ide/x'], work)).code,
    ).toBe(0);
  });

  it('refuses a push over gitops.git.maxPushBytes before any ref moves, saying why', async () => {
    const { dir, refs, url } = await portal({ git: { maxPushBytes: 4096 } });
    const work = path.join(dir.path, 'work');
    expect((await git(['clone', '--quiet', url, work])).code).toBe(0);
    // random bytes do not compress: the pack is about as large as the file
    fs.writeFileSync(
      path.join(work, 'big.bin'),
      randomBytes(64 * 1024).toString('base64'),
    );
    await git(['add', '.'], work);
    await git(
      ['-c', 'user.name=Guest', '-c', 'user.email=g@x', 'commit', '-qm', 'x'],
      work,
    );
    const before = await refs();

    const pushed = await git(
      ['push', 'origin', 'HEAD:refs/heads/ide/big'],
      work,
    );
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toMatch(/pack exceeds maximum allowed size/);
    expect(await refs()).toBe(before);
  });

  it('refuses garbage packs with an unpack error and moves no ref', async () => {
    const { api, gitDir, refs } = await portal();
    const before = await refs();
    const main = (await git(['--git-dir', gitDir, 'rev-parse', 'main'])).stdout;
    const receivePack = (body: Buffer) =>
      api
        .post('/api/gitops/git/platform.git/git-receive-pack')
        .set(bearer)
        .set('Content-Type', 'application/x-git-receive-pack-request')
        .send(body);

    for (const [ref, old, pack] of [
      ['refs/heads/main', main, 'PACK garbage'],
      ['refs/heads/garbage', '0'.repeat(40), 'PACK\0\0\0\x02\0\0\0\x01garbage'],
    ]) {
      const res = await receivePack(
        Buffer.concat([
          Buffer.from(
            `${pkt(`${old} ${'1'.repeat(40)} ${ref}\0 report-status\n`)}0000`,
          ),
          Buffer.from(pack, 'latin1'),
        ]),
      );
      expect(res.status).toBe(200); // git reports per ref, inside the protocol
      expect(res.text).toMatch(/unpack .*\n/);
      expect(res.text).toContain(`ng ${ref} unpacker error`);
    }
    // not even a command list
    await receivePack(Buffer.from('garbage garbage garbage'));

    expect(await refs()).toBe(before);
  });
});
