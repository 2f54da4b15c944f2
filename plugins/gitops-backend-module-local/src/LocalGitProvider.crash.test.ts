/*
 * A portal process killed in the middle of opening a change leaves no visible half state: either
 * the change exists completely or nothing of it is visible, git fsck stays clean, and the lock
 * files the dead process left behind do not block the next write.
 */
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { alice } from '@butler-portal/plugin-gitops-node/testUtils';
import { LocalGitProvider } from './LocalGitProvider';
import { ensureLocalRepository } from './ensureLocalRepository';
import { fsck, gitRefs, makeTempDir, removeTempDirs } from './testing/gitCli';

async function createRepo() {
  const dir = path.join(await makeTempDir(), 'platform.git');
  await ensureLocalRepository({
    dir,
    initialAuthor: { name: 'Portal', email: 'portal@example.com' },
  });
  return dir;
}

/** starts the child, waits until it stopped at `stopAt`, kills it with SIGKILL */
async function crashDuringOpenChange(dir: string, stopAt: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'testing', 'crashChild.ts'),
      dir,
      stopAt,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr!.on('data', d => {
    output += d;
  });
  const exited = new Promise<NodeJS.Signals | null>(resolve =>
    child.on('exit', (_c, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', d => {
      output += d;
      if (output.includes('STOPPED')) resolve();
      if (output.includes('FINISHED'))
        reject(new Error('child finished without reaching the stop point'));
    });
    child.on('exit', () => reject(new Error(`child exited early: ${output}`)));
  });
  child.kill('SIGKILL');
  // awaiting the exit also reaps the process, so its pid is really dead for the lock check
  expect(await exited).toBe('SIGKILL');
}

async function lockFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.promises.readdir(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name.endsWith('.lock')) found.push(path.relative(dir, full));
    }
  };
  await walk(dir);
  return found.sort();
}

afterEach(removeTempDirs);

describe('LocalGitProvider killed mid-operation', () => {
  it.each([
    // objects are written before any lock is taken
    ['object-write', []],
    // the dead process still "holds" its ref locks and packed-refs.lock
    [
      'before-commit',
      [
        'packed-refs.lock',
        'refs/changes/01/1/head.lock',
        'refs/changes/01/1/meta.lock',
        'refs/heads/butler/workspace/crash.lock',
        'refs/meta/butler/change-sequence.lock',
      ],
    ],
  ])(
    'shows nothing of a change whose process died at %s, and the next write succeeds',
    async (stopAt, leftLocks) => {
      const dir = await createRepo();
      const refsBefore = await gitRefs(dir);
      await crashDuringOpenChange(dir, stopAt);

      expect(await gitRefs(dir)).toEqual(refsBefore);
      expect(await fsck(dir)).toBe('');
      const provider = new LocalGitProvider({ repository: 'platform', dir });
      expect(await provider.listChanges()).toEqual([]);
      expect(await lockFiles(dir)).toEqual(leftLocks);

      const change = await provider.openChange({
        branch: 'butler/workspace/crash',
        title: 'Second try',
        description: '',
        operations: [
          {
            action: 'create',
            path: 'workspaces/team-a/crash.yaml',
            content: 'kind: Workspace\n',
          },
        ],
        actor: alice,
      });
      expect(change.number).toBe(1);
      expect(await lockFiles(dir)).toEqual([]);
      expect(await fsck(dir)).toBe('');
    },
  );

  it('shows the whole change when the process died after the commit point', async () => {
    const dir = await createRepo();
    await crashDuringOpenChange(dir, 'after-commit');
    expect((await lockFiles(dir)).length).toBeGreaterThan(0);

    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const [change] = await provider.listChanges();
    expect(change).toMatchObject({
      number: 1,
      title: 'Crash me',
      paths: ['workspaces/team-a/crash.yaml'],
    });
    expect((await gitRefs(dir))['refs/heads/butler/workspace/crash']).toBe(
      change.headSha,
    );
    expect(await fsck(dir)).toBe('');

    // the stale locks of the dead process are broken by the next write
    await provider.review('1', {
      decision: 'approve',
      actor: { ...alice, userRef: 'user:default/bob' },
    });
    expect(await lockFiles(dir)).toEqual([]);
    expect((await provider.getChange('1'))!.approval.approved).toBe(true);
  });
});
