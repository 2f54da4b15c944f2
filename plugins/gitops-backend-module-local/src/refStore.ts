/*
 * Reading and compare-and-swap updating of the refs of a bare repository, compatible with git's
 * own "files" ref backend (loose refs + packed-refs) and its locking protocol.
 *
 * Why not isomorphic-git's writeRef: it is neither compare-and-swap nor safe against a second
 * process, and git itself only makes a multi-ref update atomic across a crash when the refs live
 * in packed-refs. So a transaction here
 *   1. takes `<ref>.lock` for every ref it touches (exactly what git takes) and `packed-refs.lock`,
 *   2. checks every expected old value,
 *   3. moves loose copies of those refs into packed-refs (no visible change: same values),
 *   4. writes packed-refs with all new values at once and renames it into place: the one atomic
 *      step that makes the whole update visible, or none of it when the process dies earlier.
 */
import fs from 'fs';
import path from 'path';
import crypto from 'crypto';
import { ConflictError, InputError } from '@backstage/errors';
import { breakIfStale, LockFile, LockOptions } from './lockFile';
import { isSha, isValidRefName } from '@butler-portal/plugin-gitops-node';

export interface RefUpdate {
  ref: string;
  /** expected current value: a sha, `null` = must not exist, `undefined` = not checked */
  expect?: string | null;
  /** new value; `null` deletes the ref */
  value: string | null;
}

/** Thrown when a ref no longer has the expected value; callers re-read and retry. */
export class RefConflictError extends ConflictError {
  readonly ref: string;
  constructor(
    ref: string,
    expected: string | null,
    actual: string | undefined,
  ) {
    super(
      `ref ${ref} changed concurrently (expected ${
        expected ?? 'absent'
      }, found ${actual ?? 'absent'})`,
    );
    this.ref = ref;
  }
}

interface PackedEntry {
  oid: string;
  peeled?: string;
}

interface PackedRefs {
  traits: string[];
  entries: Map<string, PackedEntry>;
}

const DEFAULT_TRAITS = ['peeled', 'fully-peeled', 'sorted'];

function parsePacked(content: string): PackedRefs {
  const entries = new Map<string, PackedEntry>();
  let traits = DEFAULT_TRAITS;
  let last: PackedEntry | undefined;
  for (const line of content.split('\n')) {
    if (line.startsWith('# pack-refs with:')) {
      traits = line
        .slice('# pack-refs with:'.length)
        .trim()
        .split(/\s+/)
        .filter(Boolean);
    } else if (line.startsWith('^') && last) {
      last.peeled = line.slice(1).trim();
    } else if (line.length > 41 && !line.startsWith('#')) {
      const entry: PackedEntry = { oid: line.slice(0, 40) };
      entries.set(line.slice(41).trim(), entry);
      last = entry;
    }
  }
  return { traits, entries };
}

function formatPacked(packed: PackedRefs): string {
  const traits = packed.traits.includes('sorted')
    ? packed.traits
    : [...packed.traits, 'sorted'];
  // "sorted" promises byte order: git bisects the file
  const names = [...packed.entries.keys()].sort((a, b) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  let out = `# pack-refs with: ${traits.join(' ')} \n`;
  for (const name of names) {
    const entry = packed.entries.get(name)!;
    out += `${entry.oid} ${name}\n`;
    if (entry.peeled) out += `^${entry.peeled}\n`;
  }
  return out;
}

export class RefStore {
  /** the last packed-refs parsed, and the file identity it was parsed from */
  private packedCache?: { stamp: string; packed: PackedRefs };

  constructor(
    private readonly gitdir: string,
    private readonly lockOptions: LockOptions = {},
    /** told when a lock file could not be removed after its transaction committed */
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** value of a ref (following a symbolic loose ref), undefined when it does not exist */
  async read(ref: string): Promise<string | undefined> {
    const loose = await this.readLoose(ref);
    if (loose !== undefined) {
      if (loose.startsWith('ref: ')) return this.read(loose.slice(5).trim());
      return loose;
    }
    return (await this.readPackedShared()).entries.get(ref)?.oid;
  }

  /** target of a symbolic ref such as HEAD, undefined when it is not symbolic */
  async readSymbolic(ref: string): Promise<string | undefined> {
    const loose = await this.readLoose(ref);
    return loose?.startsWith('ref: ') ? loose.slice(5).trim() : undefined;
  }

  /** every ref whose name starts with `prefix` (e.g. `refs/changes/`), loose values winning */
  async list(prefix: string): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const [name, entry] of (await this.readPackedShared()).entries) {
      if (name.startsWith(prefix)) result.set(name, entry.oid);
    }
    const dirPrefix = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    for (const name of await this.listLooseNames(
      dirPrefix.replace(/\/$/, ''),
    )) {
      if (!name.startsWith(prefix)) continue;
      const value = await this.readLoose(name);
      if (value && isSha(value)) result.set(name, value);
    }
    return result;
  }

  /** Applies all updates or none; throws RefConflictError when an expectation does not hold. */
  async transaction(updates: RefUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const names = updates.map(u => u.ref);
    if (new Set(names).size !== names.length) {
      throw new InputError(
        `ref transaction names a ref twice: ${names.join(', ')}`,
      );
    }
    for (const u of updates) {
      if (!isValidRefName(u.ref))
        throw new InputError(`invalid ref name '${u.ref}'`);
      if (u.value !== null && !isSha(u.value)) {
        throw new InputError(`invalid object id '${u.value}' for ${u.ref}`);
      }
    }
    // a fixed lock order keeps two transactions from waiting on each other forever
    const sorted = [...updates].sort((a, b) => (a.ref < b.ref ? -1 : 1));
    const locks: LockFile[] = [];
    try {
      for (const u of sorted) {
        locks.push(
          await LockFile.acquire(this.abs(`${u.ref}.lock`), this.lockOptions),
        );
      }
      locks.push(
        await LockFile.acquire(this.abs('packed-refs.lock'), this.lockOptions),
      );
      await this.commitLocked(sorted);
    } catch (error) {
      await releaseAll(locks).catch(() => undefined); // the transaction's error is the one to tell
      throw error;
    }
    // the refs have moved: a lock file left behind is told, not turned into a failed write
    await releaseAll(locks).catch(error =>
      this.warn(
        `local git: a lock file could not be removed after its update: ${
          (error as Error).message
        }`,
      ),
    );
  }

  private async commitLocked(updates: RefUpdate[]) {
    const packed = await this.readPacked();
    // under the locks nobody else moves these refs: read them at once, not one after another
    const values = await inOrder(updates.map(u => this.readLoose(u.ref)));
    const loose = new Map<string, string>();
    const created: string[] = [];
    updates.forEach((u, i) => {
      const value = values[i];
      if (value !== undefined) {
        if (!isSha(value)) {
          throw new ConflictError(
            `ref ${u.ref} is symbolic or broken; refusing to update it`,
          );
        }
        loose.set(u.ref, value);
      }
      const current = value ?? packed.entries.get(u.ref)?.oid;
      if (u.expect !== undefined && (u.expect ?? undefined) !== current) {
        throw new RefConflictError(u.ref, u.expect, current);
      }
      if (current === undefined && u.value !== null) created.push(u.ref);
    });
    await inOrder(
      created.map(ref => this.checkNoDirectoryConflict(ref, packed)),
    );

    if (loose.size > 0) {
      for (const [name, oid] of loose) packed.entries.set(name, { oid });
      await this.writePacked(packed);
      for (const name of loose.keys()) await fs.promises.unlink(this.abs(name));
    }

    for (const u of updates) {
      if (u.value === null) packed.entries.delete(u.ref);
      else packed.entries.set(u.ref, { oid: u.value });
    }
    await this.writePacked(packed);
  }

  /** git cannot hold both `refs/heads/a` and `refs/heads/a/b` (they would be a file and a folder) */
  private async checkNoDirectoryConflict(ref: string, packed: PackedRefs) {
    const parts = ref.split('/');
    const parents = parts
      .slice(2)
      .map((_, i) => parts.slice(0, i + 2).join('/'));
    const below = `${ref}/`;
    const [looseParents, looseBelow] = await inOrder([
      inOrder(
        parents.map(async parent =>
          packed.entries.has(parent) ||
          (await this.readLoose(parent)) !== undefined
            ? parent
            : undefined,
        ),
      ),
      this.listLooseNames(ref),
    ]);
    const parent = looseParents.find(p => p !== undefined);
    if (parent) {
      throw new ConflictError(`cannot create ${ref}: ref ${parent} exists`);
    }
    const clash =
      [...packed.entries.keys()].find(n => n.startsWith(below)) ??
      looseBelow[0];
    if (clash)
      throw new ConflictError(`cannot create ${ref}: ref ${clash} exists`);
  }

  /**
   * Removes the lock files a crashed process left on refs and packed-refs. Writes break stale
   * locks on the refs they touch anyway; this sweep also frees refs nobody here writes next, which
   * git itself (a push) would otherwise find locked. Returns the locks removed.
   */
  async removeStaleLocks(): Promise<string[]> {
    const staleMs = this.lockOptions.staleMs ?? 30_000;
    const candidates = ['packed-refs.lock'];
    const walk = async (dir: string) => {
      const dirents = await fs.promises
        .readdir(this.abs(dir), { withFileTypes: true })
        .catch(() => [] as fs.Dirent[]);
      for (const d of dirents) {
        const name = `${dir}/${d.name}`;
        if (d.isDirectory()) await walk(name);
        else if (d.name.endsWith('.lock')) candidates.push(name);
      }
    };
    await walk('refs');
    const removed: string[] = [];
    for (const name of candidates) {
      const exists = await fs.promises.stat(this.abs(name)).then(
        () => true,
        () => false,
      );
      if (exists && (await breakIfStale(this.abs(name), staleMs)))
        removed.push(name);
    }
    return removed;
  }

  private abs(name: string) {
    return path.join(this.gitdir, name);
  }

  private async readLoose(ref: string): Promise<string | undefined> {
    try {
      return (await fs.promises.readFile(this.abs(ref), 'utf8')).trim();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR')
        return undefined;
      throw e;
    }
  }

  /**
   * packed-refs for reading only, parsed again only when the file changed: every writer (this
   * store, git) replaces it by renaming a new file into place, so its inode, size and mtime say
   * whether it is the one parsed last (git validates its packed-refs cache the same way). With
   * thousands of change refs, parsing it on every ref read made each change view cost
   * milliseconds.
   */
  private async readPackedShared(): Promise<PackedRefs> {
    let stat: fs.BigIntStats;
    try {
      stat = await fs.promises.stat(this.abs('packed-refs'), { bigint: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        return { traits: DEFAULT_TRAITS, entries: new Map() };
      }
      throw e;
    }
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    if (this.packedCache?.stamp === stamp) return this.packedCache.packed;
    // read after the stat: at worst newer than the stamp says, and parsed again next time
    const packed = await this.readPacked();
    this.packedCache = { stamp, packed };
    return packed;
  }

  private async readPacked(): Promise<PackedRefs> {
    try {
      return parsePacked(
        await fs.promises.readFile(this.abs('packed-refs'), 'utf8'),
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        return { traits: DEFAULT_TRAITS, entries: new Map() };
      }
      throw e;
    }
  }

  private async writePacked(packed: PackedRefs) {
    // we hold packed-refs.lock as the mutex; the new content goes through its own temp file
    const tmp = this.abs(
      `packed-refs.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`,
    );
    await fs.promises.writeFile(tmp, formatPacked(packed));
    await fs.promises.rename(tmp, this.abs('packed-refs'));
  }

  private async listLooseNames(dir: string): Promise<string[]> {
    let dirents: fs.Dirent[];
    try {
      dirents = await fs.promises.readdir(this.abs(dir), {
        withFileTypes: true,
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw e;
    }
    const names: string[] = [];
    for (const d of dirents) {
      const name = `${dir}/${d.name}`;
      if (d.isDirectory()) names.push(...(await this.listLooseNames(name)));
      else if (d.isFile() && isValidRefName(name)) names.push(name);
    }
    return names;
  }
}

/** releases every lock, also when one release fails (then fails with the first failure) */
function releaseAll(locks: LockFile[]): Promise<unknown> {
  return inOrder(locks.map(lock => lock.release()));
}

/**
 * Promise.all that, when several fail, fails with the first in the given order (not the first
 * to settle): the same error for the same transaction, whatever the disk's timing
 */
async function inOrder<T>(promises: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed) throw failed.reason;
  return settled.map(r => (r as PromiseFulfilledResult<T>).value);
}
