/*
 * Git-style lock files (`<file>.lock`, created with O_EXCL). Git itself takes the same locks
 * before it touches a ref or packed-refs, so holding one excludes other portal processes, the
 * `git receive-pack` behind smart HTTP and an administrator's git CLI alike.
 *
 * A process killed while holding a lock leaves the file behind. Our lock files name their owner
 * (pid, boot id and start time, host), so a lock whose owner is gone on this host is broken at
 * once, also when its PID was reused by another process after a restart; a lock of unknown
 * origin (git's own, or a half-written one) is broken once it is older than `staleMs`.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import crypto from 'crypto';
import { ConflictError } from '@backstage/errors';
import {
  currentProcess,
  isSameLiveProcess,
  type ProcessIdentity,
} from './processIdentity';

export interface LockOptions {
  /** how long to wait for a held lock before giving up (default 10 s) */
  timeoutMs?: number;
  /** age after which a lock without a live owner on this host is considered stale (default 30 s) */
  staleMs?: number;
}

const MARKER = 'butler-portal-lock';

function ownerLine(): string {
  const me = currentProcess();
  return `${MARKER} pid=${me.pid} host=${os.hostname()} boot=${
    me.boot || '-'
  } start=${me.start || '-'} at=${new Date().toISOString()}\n`;
}

export function parseOwner(
  content: string,
): (ProcessIdentity & { host: string }) | undefined {
  const m = content.match(
    /^butler-portal-lock pid=(\d+) host=(\S+)(?: boot=(\S+) start=(\S+))?/,
  );
  if (!m) return undefined;
  const known = (v?: string) => (v && v !== '-' ? v : '');
  return {
    pid: Number(m[1]),
    host: m[2],
    boot: known(m[3]),
    start: known(m[4]),
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export class LockFile {
  private released = false;

  private constructor(readonly lockPath: string) {}

  static async acquire(
    lockPath: string,
    options: LockOptions = {},
  ): Promise<LockFile> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const staleMs = options.staleMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    let delay = 2;
    for (;;) {
      try {
        const handle = await fs.promises.open(lockPath, 'wx');
        try {
          await handle.writeFile(ownerLine());
        } finally {
          await handle.close();
        }
        return new LockFile(lockPath);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          await mkdirFor(lockPath);
          continue;
        }
        if (code !== 'EEXIST') throw e;
      }
      if (await breakIfStale(lockPath, staleMs)) continue;
      if (Date.now() > deadline) {
        throw new ConflictError(
          `${lockPath} is held by another process (gave up after ${timeoutMs} ms)`,
        );
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 50);
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    await fs.promises.unlink(this.lockPath).catch(e => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    });
    // only once the file is gone: a failed unlink may be tried again
    this.released = true;
  }
}

async function mkdirFor(lockPath: string) {
  try {
    await fs.promises.mkdir(path.dirname(lockPath), { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      // a ref `refs/heads/a` exists as a file and we want `refs/heads/a/b`: git's D/F conflict
      throw new ConflictError(
        `cannot create ${lockPath}: a parent path is a file (a ref with that prefix exists)`,
      );
    }
    throw e;
  }
}

/**
 * Removes the lock when it is stale; true when the caller should simply try again. The removal is
 * a compare-and-delete: the lock is moved aside and only deleted when it is still the file that
 * was judged stale, so a lock freshly taken by a third process is put back.
 */
export async function breakIfStale(
  lockPath: string,
  staleMs: number,
): Promise<boolean> {
  let content: string;
  let mtimeMs: number;
  try {
    content = await fs.promises.readFile(lockPath, 'utf8');
    mtimeMs = (await fs.promises.stat(lockPath)).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
  const owner = parseOwner(content);
  const stale =
    owner && owner.host === os.hostname()
      ? !isSameLiveProcess(owner)
      : Date.now() - mtimeMs > staleMs;
  if (!stale) return false;

  // the aside name ends in `.lock` so git's ref iteration ignores it
  const aside = `${lockPath.replace(/\.lock$/, '')}.stale-${crypto
    .randomBytes(6)
    .toString('hex')}.lock`;
  try {
    await fs.promises.rename(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
  const movedContent = await fs.promises.readFile(aside, 'utf8');
  const movedMtime = (await fs.promises.stat(aside)).mtimeMs;
  if (movedContent !== content || movedMtime !== mtimeMs) {
    // someone took the lock between our read and the rename: hand it back
    await fs.promises.link(aside, lockPath).catch(() => undefined);
  }
  await fs.promises.unlink(aside);
  return movedContent === content && movedMtime === mtimeMs;
}
