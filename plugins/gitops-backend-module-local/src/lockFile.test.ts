import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ConflictError } from '@backstage/errors';
import { LockFile, parseOwner } from './lockFile';
import { currentProcess } from './processIdentity';
import { makeTempDir, removeTempDirs } from './testing/gitCli';

afterEach(removeTempDirs);

/** the pid of a process that has exited (and been reaped) */
function deadPid(): number {
  const result = spawnSync(process.execPath, [
    '-e',
    'process.stdout.write(String(process.pid))',
  ]);
  return Number(result.stdout.toString());
}

describe('LockFile', () => {
  it('excludes a second holder until released, and creates missing folders', async () => {
    const dir = await makeTempDir();
    const lockPath = path.join(dir, 'refs', 'heads', 'a.lock');
    const first = await LockFile.acquire(lockPath);
    expect(await fs.promises.readFile(lockPath, 'utf8')).toContain(
      `pid=${process.pid}`,
    );

    const order: string[] = [];
    const second = LockFile.acquire(lockPath).then(lock => {
      order.push('second acquired');
      return lock;
    });
    await new Promise(r => setTimeout(r, 30));
    order.push('first released');
    await first.release();
    await (await second).release();
    expect(order).toEqual(['first released', 'second acquired']);
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('gives up with a ConflictError while a live process holds the lock', async () => {
    const dir = await makeTempDir();
    const lockPath = path.join(dir, 'x.lock');
    const held = await LockFile.acquire(lockPath);
    await expect(LockFile.acquire(lockPath, { timeoutMs: 50 })).rejects.toThrow(
      ConflictError,
    );
    await held.release();
  });

  it('breaks the lock of a dead process on this host at once', async () => {
    const dir = await makeTempDir();
    const lockPath = path.join(dir, 'x.lock');
    await fs.promises.writeFile(
      lockPath,
      `butler-portal-lock pid=${deadPid()} host=${os.hostname()} at=x\n`,
    );
    const lock = await LockFile.acquire(lockPath, { timeoutMs: 50 });
    expect(await fs.promises.readFile(lockPath, 'utf8')).toContain(
      `pid=${process.pid}`,
    );
    await lock.release();
    // nothing but the lock itself was ever there
    expect(await fs.promises.readdir(dir)).toEqual([]);
  });

  it('breaks a lock whose live PID now belongs to another process (a restart reused it)', async () => {
    const dir = await makeTempDir();
    const lockPath = path.join(dir, 'x.lock');
    // PID 1 is alive in every container, but it is not the process that wrote this lock:
    // one written before a restart (another boot), and one by a process that started later
    const me = currentProcess();
    for (const line of [
      `butler-portal-lock pid=1 host=${os.hostname()} boot=another-boot start=1 at=x\n`,
      `butler-portal-lock pid=${process.pid} host=${os.hostname()} boot=${me.boot || '-'} start=${
        Number(me.start || 0) + 1
      } at=x\n`,
    ]) {
      await fs.promises.writeFile(lockPath, line);
      const lock = await LockFile.acquire(lockPath, { timeoutMs: 50 });
      expect(await fs.promises.readFile(lockPath, 'utf8')).toContain(`pid=${process.pid}`);
      await lock.release();
    }
    // while the true owner (this process, same boot and start) holds it, it is not broken
    const held = await LockFile.acquire(lockPath);
    expect(parseOwner(await fs.promises.readFile(lockPath, 'utf8'))).toMatchObject(me);
    await expect(LockFile.acquire(lockPath, { timeoutMs: 50 })).rejects.toThrow(ConflictError);
    await held.release();
  });

  it('breaks a lock of unknown origin only once it is older than staleMs', async () => {
    const dir = await makeTempDir();
    const lockPath = path.join(dir, 'x.lock');
    await fs.promises.writeFile(lockPath, `${'a'.repeat(40)}\n`); // what git writes into ref locks
    await expect(
      LockFile.acquire(lockPath, { timeoutMs: 30, staleMs: 60_000 }),
    ).rejects.toThrow(ConflictError);
    const old = new Date(Date.now() - 120_000);
    await fs.promises.utimes(lockPath, old, old);
    const lock = await LockFile.acquire(lockPath, {
      timeoutMs: 30,
      staleMs: 60_000,
    });
    await lock.release();
  });

  it('reports a file standing where a folder is needed as a conflict', async () => {
    const dir = await makeTempDir();
    await fs.promises.writeFile(path.join(dir, 'a'), 'x');
    await expect(
      LockFile.acquire(path.join(dir, 'a', 'b.lock')),
    ).rejects.toThrow(/parent path is a file/);
  });
});
