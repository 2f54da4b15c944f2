/*
 * What a folder target knows of the files it holds, so that a drift check of thousands of files
 * stats each one instead of reading and parsing it, as git's index does: a file whose stat
 * (inode, size, mtime, ctime) is the one recorded holds the content recorded. Any write changes
 * a file's ctime (which no user can set back, unlike mtime) and a rename over it changes its
 * inode, so an edit or a replacement out of band always reads again; a deleted file is missing.
 *
 * The one gap of stats is a change within the same clock tick as the recording (timestamps are
 * coarse: a few ms, a second on some file systems), which can leave every field as it was
 * ("racy git"). So:
 * - a file read: its entry is checked by content again (bytes and a digest, no parsing) while it
 *   was recorded less than RACY_MS after the file last changed by the local clock; afterwards a
 *   stat is enough;
 * - the target's own writes: each is recorded with the stat of the handle that wrote it, taken
 *   after its rename (a write whose modification time moved before that stat is not recorded:
 *   someone else wrote too). As git judges a checkout against its index file's time, a write is
 *   trusted by stat when it changed in an earlier tick than a time read from the file system
 *   after the batch (fileSystemNow: its own clock, so no skew with a network file system's
 *   server, nor a clock set back); the last tick's writes are checked by content once. What git
 *   leaves open is left open here too: an edit in the same tick right after the write.
 */
import crypto from 'crypto';
import fs from 'fs';
import { changedNs, fileSystemNow } from './atomicFiles';

/** an entry recorded this close (or closer) to its file's last change is checked by content */
export const RACY_MS = 1000;

interface Entry<V> {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** when the stat was taken (ms since the epoch, taken before it) */
  recordedAt: number;
  /** of a write: the file system's time after its batch of writes */
  batchDoneNs?: bigint;
  digest: string;
  value: V;
}

/** What a file holds: absent, not a regular file (a folder or a symlink), or its value. */
export type FileRead<V> =
  | { kind: 'missing' }
  | { kind: 'notAFile' }
  | { kind: 'file'; value: V };

/**
 * a file the target wrote: what it holds, and the stat of the handle that wrote it (undefined
 * when the file changed between its write and that stat: then it is read next time)
 */
export interface FileWrite<V> {
  file: string;
  content: string;
  value: V;
  stat: fs.BigIntStats | undefined;
}

/** counters for tests and benchmarks */
export interface FileStatCacheStats {
  /** files whose content was read (stat changed or racy) */
  contentReads: number;
  /** files whose content was parsed (digest differed from the one recorded) */
  derived: number;
}

function digestOf(bytes: Buffer | string): string {
  return crypto.createHash('sha1').update(bytes).digest('hex');
}

export class FileStatCache<V> {
  readonly stats: FileStatCacheStats = { contentReads: 0, derived: 0 };
  readonly #entries = new Map<string, Entry<V>>();

  /** @param derive - what a file's text stands for (parsing, hashing); called only on a change */
  constructor(private readonly derive: (content: string, file: string) => V) {}

  /** The file's value: from the stat when it is the recorded one, else read (and recorded). */
  async read(file: string): Promise<FileRead<V>> {
    const recordedAt = Date.now();
    const stat = await this.#lstat(file);
    if (!stat) return { kind: 'missing' };
    if (!stat.isFile()) {
      this.#entries.delete(file);
      return { kind: 'notAFile' };
    }
    const entry = this.#entries.get(file);
    if (entry && sameStat(entry, stat) && !racy(entry)) {
      return { kind: 'file', value: entry.value };
    }
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#entries.delete(file);
        return { kind: 'missing' };
      }
      throw error;
    }
    this.stats.contentReads++;
    const digest = digestOf(bytes);
    let value: V;
    if (entry && entry.digest === digest) {
      value = entry.value;
    } else {
      this.stats.derived++;
      value = this.derive(bytes.toString('utf8'), file);
    }
    // the stat taken before reading: if the file changed since, the next stat differs
    this.#entries.set(file, { ...statFields(stat), recordedAt, digest, value });
    return { kind: 'file', value };
  }

  /**
   * Records a batch of what the target just wrote: each file with the stat of the handle that
   * wrote it, its content and value; `fileSystemNowNs` is the file system's time read after the
   * batch (fileSystemNow). Files changed in the same tick as that time or later are checked by
   * content at their next read.
   */
  rememberWrites(writes: Array<FileWrite<V>>, fileSystemNowNs: bigint): void {
    const recordedAt = Date.now();
    for (const { file, content, value, stat } of writes) {
      if (!stat?.isFile()) {
        this.#entries.delete(file);
        continue;
      }
      this.#entries.set(file, {
        ...statFields(stat),
        recordedAt,
        batchDoneNs: fileSystemNowNs,
        digest: digestOf(content),
        value,
      });
    }
  }

  /**
   * rememberWrites for a batch written to the folder `dir`, judged against that folder's file
   * system time (fileSystemNow); when it cannot be read, the batch is read next time instead
   */
  async rememberWritesIn(dir: string, writes: Array<FileWrite<V>>) {
    const now = await fileSystemNow(dir).catch(() => undefined);
    if (now !== undefined) this.rememberWrites(writes, now);
    else for (const { file } of writes) this.#entries.delete(file);
  }

  forget(file: string): void {
    this.#entries.delete(file);
  }

  async #lstat(file: string): Promise<fs.BigIntStats | undefined> {
    try {
      return await fs.promises.lstat(file, { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#entries.delete(file);
        return undefined;
      }
      throw error;
    }
  }
}

function statFields(stat: fs.BigIntStats) {
  return {
    ino: stat.ino,
    size: stat.size,
    mtimeNs: stat.mtimeNs,
    ctimeNs: stat.ctimeNs,
  };
}

function sameStat(entry: Entry<unknown>, stat: fs.BigIntStats): boolean {
  return (
    entry.ino === stat.ino &&
    entry.size === stat.size &&
    entry.mtimeNs === stat.mtimeNs &&
    entry.ctimeNs === stat.ctimeNs
  );
}

/** the stat may not show a change made within the tick it was recorded in (see the top) */
function racy(entry: Entry<unknown>): boolean {
  const changed = changedNs(entry);
  if (entry.batchDoneNs !== undefined) {
    return changed >= entry.batchDoneNs;
  }
  return Number(changed / 1_000_000n) >= entry.recordedAt - RACY_MS;
}
