/*
 * Exploits of the /git route that must be refused (issue: security of the GitOps spine), through
 * the real HTTP routes and the real git client:
 *  - a receive-pack hidden behind an encoded path or a second `service` parameter is a push, and
 *    needs the create permission;
 *  - only the author of an open change may push to its source branch, never force-push it (unless
 *    configured), and the push is recorded with the pusher.
 */
import fs from 'fs';
import path from 'path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  auth,
  CREATE,
  git,
  GUEST,
  refsOf,
  startPortal,
} from '../__testUtils__/startTestPortal';

jest.setTimeout(90_000);

const BOB = 'user:default/bob';
const urlFor = (port: number, user: string) =>
  `http://x:${encodeURIComponent(mockCredentials.user.token(user))}@127.0.0.1:${port}/api/gitops/git/platform.git`;
const bearer = (user: string) => ({ Authorization: `Bearer ${mockCredentials.user.token(user)}` });

async function commitFile(work: string, file: string, text: string, who: string) {
  fs.writeFileSync(path.join(work, file), text);
  await git(['add', '.'], work);
  await git(['-c', `user.name=${who}`, '-c', `user.email=${who}@x`, 'commit', '-qm', `edit by ${who}`], work);
}

describe('git route authorization', () => {
  it('treats encoded and duplicated receive-pack variants as pushes needing the create permission', async () => {
    // a reader: may clone and fetch, may not push
    const { server, dir } = await startPortal({
      permission: name => (name === 'gitops.change.create' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW),
    });
    const api = request(server);
    const gitDir = path.join(dir.path, 'platform.git');
    const before = await refsOf(gitDir);

    await api.get('/api/gitops/git/platform.git/info/refs?service=git-upload-pack').set(bearer(GUEST)).expect(200);
    for (const variant of [
      '/api/gitops/git/platform.git/git-receive-pac%6B',
      '/api/gitops/git/platform.git/git%2Dreceive%2Dpack',
      '/api/gitops/git/platform%2Egit/git-receive-pack',
    ]) {
      const res = await api
        .post(variant)
        .set(bearer(GUEST))
        .set('Content-Type', 'application/x-git-receive-pack-request')
        .send(Buffer.from('0000'));
      expect({ variant, status: res.status }).toEqual({ variant, status: 403 });
      expect(res.text).toContain('not allowed gitops.change.create');
    }
    const advertised = await api
      .get('/api/gitops/git/platform.git/info/refs?service=git-receive-pac%6B')
      .set(bearer(GUEST));
    expect(advertised.status).toBe(403);
    const twice = await api
      .get('/api/gitops/git/platform.git/info/refs?service=git-upload-pack&service=git-receive-pack')
      .set(bearer(GUEST));
    expect(twice.status).toBe(400);
    expect(await refsOf(gitDir)).toBe(before);
  });

  it("refuses B's push into A's change and A's force-push; A's own push is recorded with the pusher", async () => {
    const { server, port, dir } = await startPortal();
    const api = request(server);
    const opened = await api.post('/api/gitops/changes').set(auth).send(CREATE).expect(201);
    const branch: string = opened.body.branch;
    const changeId: string = opened.body.id;
    const headBefore = (await api.get(`/api/gitops/changes/${changeId}`).set(auth).expect(200)).body.headSha;

    // bob clones, commits on top of guest's change branch and pushes: refused, head unchanged
    const bobWork = path.join(dir.path, 'bob');
    expect((await git(['clone', '--quiet', urlFor(port, BOB), bobWork])).code).toBe(0);
    await git(['checkout', '--quiet', branch], bobWork);
    await commitFile(bobWork, 'NOTES.md', 'bob was here\n', 'bob');
    const bobPush = await git(['push', 'origin', `HEAD:${branch}`], bobWork);
    expect(bobPush.code).not.toBe(0);
    expect(bobPush.stderr).toContain(`only its author may push to it`);
    expect(bobPush.stderr).toContain(GUEST);
    const bobDelete = await git(['push', 'origin', `:${branch}`], bobWork);
    expect(bobDelete.code).not.toBe(0);
    expect((await api.get(`/api/gitops/changes/${changeId}`).set(auth).expect(200)).body.headSha).toBe(headBefore);

    // the author may add commits on top...
    const work = path.join(dir.path, 'guest');
    expect((await git(['clone', '--quiet', urlFor(port, GUEST), work])).code).toBe(0);
    await git(['checkout', '--quiet', branch], work);
    await commitFile(work, 'NOTES.md', 'more from the author\n', 'guest');
    const pushed = await git(['push', 'origin', `HEAD:${branch}`], work);
    expect(pushed.code).toBe(0);
    const moved = await git(['rev-parse', 'HEAD'], work);
    expect((await api.get(`/api/gitops/changes/${changeId}`).set(auth).expect(200)).body.headSha).toBe(moved.stdout);
    // ...recorded with who pushed
    const gitDir = path.join(dir.path, 'platform.git');
    const history = await git(['--git-dir', gitDir, 'log', '--format=%B', '--all']);
    expect(history.stdout).toContain(`by a push of ${GUEST}`);

    // ...but not rewrite what reviewers saw
    await git(['reset', '--quiet', '--hard', 'HEAD~1'], work);
    await commitFile(work, 'NOTES.md', 'rewritten\n', 'guest');
    const forced = await git(['push', '--force', 'origin', `HEAD:${branch}`], work);
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toContain('a force-push to');
    expect((await api.get(`/api/gitops/changes/${changeId}`).set(auth).expect(200)).body.headSha).toBe(moved.stdout);
  });
});
