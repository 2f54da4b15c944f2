/*
 * The object database of a bare repository, read and written with isomorphic-git. Objects are
 * immutable and content-addressed, so writing them is always safe; only ref updates (RefStore)
 * make anything visible.
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';
import zlib from 'zlib';
import git, { CommitObject, TreeEntry as GitTreeEntry } from 'isomorphic-git';
import { InputError, NotFoundError } from '@backstage/errors';
import { BoundedMap, gitNameRefusal } from '@butler-portal/plugin-gitops-node';
import { createGitFs } from './gitFs';

const deflate = promisify(zlib.deflate);

export type TreeItem = GitTreeEntry;

export interface Signature {
  name: string;
  email: string;
}

/** git (and `fsck --strict`) refuse '<', '>' and line breaks in identities */
function cleanIdentity(value: string, fallback: string): string {
  const cleaned = (value ?? '').replace(/[<>\r\n\0]/g, '').trim();
  return cleaned || fallback;
}

/** parsed trees and commits kept per store: objects never change, and each read is a file */
const PARSED_CACHE_SIZE = 50_000;
/**
 * tree entries kept per store in all (~150 bytes each): counted by entry, not by tree, since one
 * tree of a folder of 50,000 files weighs as much as thousands of small ones, and every merge
 * into that folder writes a new one
 */
const PARSED_TREE_ENTRIES = 1_000_000;

/** a code unit's rank in code point (UTF-8 byte) order: surrogates (beyond U+FFFF) last */
const codePointRank = (unit: number) =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;

/** strings in code point order, which is also the order of their UTF-8 bytes */
function codePointOrder(x: string, y: string): number {
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const u = x.charCodeAt(i);
    const v = y.charCodeAt(i);
    if (u !== v) return codePointRank(u) - codePointRank(v);
  }
  return x.length - y.length;
}

/** the same order for strings without surrogates: code units, compared natively */
const codeUnitOrder = (x: string, y: string) => {
  if (x === y) return 0;
  return x < y ? -1 : 1;
};

/** the name an entry sorts by in git's order on disk: a folder's with a `/` */
const gitName = (e: TreeItem) => (e.type === 'tree' ? `${e.path}/` : e.path);

/**
 * Entries sorted by name as isomorphic-git reads them (`by: 'name'`), or in git's order on disk
 * (`by: 'git'`, a folder sorting as its name followed by `/`); both by code point. A folder of
 * 50,000 files is sorted at every write into it: the slower per-character comparison only when
 * a name holds a character beyond U+FFFF.
 */
function sortEntries<T extends TreeItem>(
  entries: T[],
  by: 'name' | 'git',
): T[] {
  const order = entries.some(e => /[\ud800-\udfff]/.test(e.path))
    ? codePointOrder
    : codeUnitOrder;
  return by === 'name'
    ? entries.sort((a, b) => order(a.path, b.path))
    : entries.sort((a, b) => order(gitName(a), gitName(b)));
}

/** object type of each mode git writes in a tree (isomorphic-git reads `40000` as `040000`) */
const TYPE_OF_MODE: Record<string, TreeItem['type']> = {
  '040000': 'tree',
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '160000': 'commit',
};

/** the canonical mode of an entry, as isomorphic-git gives it (a folder `40000` → `040000`) */
function canonicalMode(mode: string | number): string {
  if (typeof mode === 'string' && TYPE_OF_MODE[mode]) return mode;
  const text = typeof mode === 'number' ? mode.toString(8) : mode;
  if (/^0?4/.test(text)) return '040000';
  const canonical = Object.keys(TYPE_OF_MODE).find(
    m => m !== '040000' && text.startsWith(m.slice(0, 4)),
  );
  if (!canonical) throw new InputError(`unknown tree entry mode '${text}'`);
  return canonical;
}

/** hexadecimal digit values by character code; -1: not a digit */
const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * A tree object's content: `<mode> <name>\0<20-byte id>` per entry, in git's order. Written byte
 * by byte for ASCII names and ids: a `Buffer.write` per field costs more than the bytes (a folder
 * of 50,000 files is 150,000 fields).
 */
function serializeTree(entries: readonly TreeItem[]): Buffer {
  const ordered = sortEntries([...entries], 'git');
  let size = 0;
  for (const e of ordered) size += e.mode.length + e.path.length * 3 + 22;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let previous: string | undefined;
  for (const e of ordered) {
    // git writes a folder's mode without its leading zero
    const mode = e.mode === '040000' ? '40000' : e.mode;
    for (let i = 0; i < mode.length; i++) out[at++] = mode.charCodeAt(i);
    out[at++] = 0x20;
    const name = e.path;
    // ASCII without NUL and '/' is written byte by byte; a name git could refuse (any non-ASCII
    // one, or one starting with '.' or 'g', or holding '\\') is checked by the shared rule
    // first: checking every name of a 50,000-file folder would cost more than writing it
    // eslint-disable-next-line no-control-regex
    const ascii = /^[\x01-\x2e\x30-\x7f]+$/.test(name);
    const first = name.charCodeAt(0);
    if (
      !ascii ||
      first === 0x2e ||
      first === 0x67 ||
      first === 0x47 ||
      name.includes('\\')
    ) {
      const refusal = gitNameRefusal(name);
      if (refusal) throw new InputError(`tree entry name '${name}' ${refusal}`);
    }
    const key = e.type === 'tree' ? `${name}/` : name;
    if (key === previous) {
      throw new InputError(`tree entry name '${name}' appears twice`);
    }
    previous = key;
    if (ascii) {
      for (let i = 0; i < name.length; i++) out[at++] = name.charCodeAt(i);
    } else {
      at += out.write(name, at, 'utf8');
    }
    out[at++] = 0;
    const oid = e.oid;
    let bad = oid.length === 40 ? 0 : -1;
    for (let i = 0; i < 40; i += 2) {
      const high = HEX_DIGIT[oid.charCodeAt(i)] ?? -1;
      const low = HEX_DIGIT[oid.charCodeAt(i + 1)] ?? -1;
      // eslint-disable-next-line no-bitwise
      bad |= high | low;
      // eslint-disable-next-line no-bitwise
      out[at++] = (high << 4) | low;
    }
    if (bad < 0) {
      throw new InputError(`tree entry '${name}' has no object id: '${oid}'`);
    }
  }
  return out.subarray(0, at);
}

export class ObjectStore {
  private readonly fs: ReturnType<typeof createGitFs>;
  private readonly cache = {};
  private readonly trees = new BoundedMap<string, readonly TreeItem[]>({
    maxEntries: PARSED_CACHE_SIZE,
    weigh: tree => tree.length + 1,
    maxWeight: PARSED_TREE_ENTRIES,
  });
  private readonly commits = new BoundedMap<string, CommitObject>({
    maxEntries: PARSED_CACHE_SIZE,
  });
  private readonly links = new BoundedMap<
    string,
    { parents: string[]; time: number }
  >({ maxEntries: PARSED_CACHE_SIZE });

  constructor(readonly gitdir: string) {
    this.fs = createGitFs({ gitdir });
  }

  private get base() {
    return { fs: this.fs, gitdir: this.gitdir, cache: this.cache };
  }

  async exists(oid: string): Promise<boolean> {
    try {
      await git.readObject({ ...this.base, oid, format: 'deflated' });
      return true;
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') return false;
      throw e;
    }
  }

  async readCommit(oid: string): Promise<CommitObject> {
    const cached = this.commits.get(oid);
    if (cached) return structuredClone(cached);
    try {
      const { commit } = await git.readCommit({ ...this.base, oid });
      this.commits.set(oid, structuredClone(commit));
      return commit;
    } catch (e) {
      throw new NotFoundError(
        `commit ${oid} not found: ${(e as Error).message}`,
      );
    }
  }

  /** the commit an object id names: itself, or the target of (a chain of) annotated tags */
  async peelToCommit(oid: string): Promise<string> {
    let current = oid;
    // git itself gives up on tag chains far shorter than this
    for (let depth = 0; depth < 16; depth++) {
      const object = await git.readObject({
        ...this.base,
        oid: current,
        format: 'parsed',
      });
      if (object.type === 'commit') return current;
      if (object.type !== 'tag') {
        throw new InputError(`${oid} names a ${object.type}, not a commit`);
      }
      current = (object.object as { object: string }).object;
    }
    throw new InputError(`the tag chain of ${oid} is too long`);
  }

  /** entries of a tree (a commit id is peeled to its tree) */
  async readTree(oid: string): Promise<TreeItem[]> {
    return (await this.readTreeShared(oid)).map(item => ({ ...item }));
  }

  /**
   * The entries of a tree by name (as isomorphic-git reads them), as kept in the cache: not
   * copied, so the caller must not change them. For reads that walk large trees (a folder of 50,000 files is one tree
   * object), where a copy per read costs more than the walk.
   */
  async readTreeShared(oid: string): Promise<readonly Readonly<TreeItem>[]> {
    const cached = this.trees.get(oid);
    if (cached) return cached;
    const { tree } = await git.readTree({ ...this.base, oid });
    this.trees.set(oid, tree);
    return tree;
  }

  async readBlob(oid: string): Promise<Buffer> {
    return Buffer.from((await git.readBlob({ ...this.base, oid })).blob);
  }

  async writeBlob(content: string | Uint8Array): Promise<string> {
    return this.writeObject(
      'blob',
      typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
    );
  }

  /**
   * Writes a tree of these entries (any order) and keeps them, so they must not be changed
   * afterwards; entries read with `readTreeShared` may be passed as they are.
   */
  async writeTree(entries: readonly Readonly<TreeItem>[]): Promise<string> {
    const canonical = entries.map(entry => {
      const mode = canonicalMode(entry.mode);
      const type = TYPE_OF_MODE[mode];
      return entry.mode === mode && entry.type === type
        ? entry
        : { mode, path: entry.path, oid: entry.oid, type };
    });
    const oid = await this.writeObject('tree', serializeTree(canonical));
    // a tree just written is read next by whoever diffs or reads the new commit (the reconciler
    // right after a merge): kept as a read would give it, so that read parses nothing (a folder
    // of 50,000 files is one tree object of a few MB)
    if (!this.trees.get(oid))
      this.trees.set(oid, sortEntries(canonical, 'name'));
    return oid;
  }

  /**
   * Writes a loose object as git does: id = SHA-1 of `<type> <size>\0<content>`, deflated at
   * git's level for loose objects (`core.looseCompression`, 1: fastest), skipped when the object
   * is there. Native hashing and zlib, not isomorphic-git's in-JavaScript serializing and
   * streams: a folder of 50,000 files is a tree of 2 MB, written by every change into it.
   */
  private async writeObject(
    type: 'blob' | 'tree',
    content: Uint8Array,
  ): Promise<string> {
    const header = Buffer.from(`${type} ${content.length}\0`, 'latin1');
    const oid = crypto
      .createHash('sha1')
      .update(header)
      .update(content)
      .digest('hex');
    const file = path.join(
      this.gitdir,
      'objects',
      oid.slice(0, 2),
      oid.slice(2),
    );
    const loose = await fs.promises.stat(file).then(
      () => true,
      () => false,
    );
    if (!loose) {
      const whole = Buffer.concat([header, content]);
      // one output chunk and zlib's largest window state: about twice as fast on large trees
      const object = await deflate(whole, {
        level: 1,
        memLevel: 9,
        chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, whole.length + 1024),
      });
      // a temporary file renamed into place (gitFs); the fan-out folder made when missing
      const write = () => this.fs.promises.writeFile(file, object);
      await write().catch(async error => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await write();
      });
    }
    return oid;
  }

  async writeCommit(input: {
    tree: string;
    parents: string[];
    message: string;
    author: Signature;
    committer?: Signature;
    date?: Date;
  }): Promise<string> {
    const timestamp = Math.floor((input.date ?? new Date()).getTime() / 1000);
    const sign = (s: Signature) => ({
      name: cleanIdentity(s.name, cleanIdentity(s.email, 'unknown')),
      email: cleanIdentity(s.email, ''),
      timestamp,
      timezoneOffset: 0,
    });
    const message = input.message.endsWith('\n')
      ? input.message
      : `${input.message}\n`;
    return git.writeCommit({
      fs: this.fs,
      gitdir: this.gitdir,
      commit: {
        message,
        tree: input.tree,
        parent: input.parents,
        author: sign(input.author),
        committer: sign(input.committer ?? input.author),
      },
    });
  }

  /** parents and committer time of a commit, from the parsed-commit cache */
  private async commitLinks(
    oid: string,
  ): Promise<{ parents: string[]; time: number }> {
    let links = this.links.get(oid);
    if (!links) {
      const commit = this.commits.get(oid) ?? (await this.readCommit(oid));
      links = { parents: [...commit.parent], time: commit.committer.timestamp };
      this.links.set(oid, links);
    }
    return links;
  }

  /**
   * The best common ancestor of two commits, as `git merge-base` finds it: both sides are
   * walked newest first and the walk stops once every commit left is below a common ancestor.
   * It reads the commits from the parsed cache (isomorphic-git's findMergeBase re-read every
   * commit from disk on each call: with hundreds of merges on the default branch, each open
   * change's view walked them all again).
   */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    if (a === b) return a;
    const ONE = 1;
    const TWO = 2;
    const STALE = 4;
    const flags = new Map<string, number>();
    // newest first; ties by insertion (a handful of commits per second at most)
    const queue: Array<{ oid: string; time: number }> = [];
    const push = async (oid: string, flag: number) => {
      flags.set(oid, (flags.get(oid) ?? 0) | flag);
      const { time } = await this.commitLinks(oid);
      let at = queue.length;
      while (at > 0 && queue[at - 1].time < time) at--;
      queue.splice(at, 0, { oid, time });
    };
    await push(a, ONE);
    await push(b, TWO);
    const found: string[] = [];
    while (queue.some(entry => !((flags.get(entry.oid) ?? 0) & STALE))) {
      const { oid } = queue.shift()!;
      let flag = flags.get(oid)! & (ONE | TWO | STALE);
      if ((flag & (ONE | TWO)) === (ONE | TWO)) {
        if (!(flag & STALE) && !found.includes(oid)) found.push(oid);
        flag |= STALE;
        flags.set(oid, flags.get(oid)! | STALE);
      }
      for (const parent of (await this.commitLinks(oid)).parents) {
        const known = flags.get(parent) ?? 0;
        if ((known & flag) === flag) continue;
        await push(parent, flag);
      }
    }
    // of several common ancestors (criss-cross merges) keep those no other one descends from
    for (const candidate of found) {
      const redundant = await Promise.all(
        found
          .filter(other => other !== candidate)
          .map(other => this.isAncestor(candidate, other)),
      );
      if (!redundant.some(Boolean)) return candidate;
    }
    return found[0];
  }

  /** true when `ancestor` is reachable from `oid` (or equal to it) */
  async isAncestor(ancestor: string, oid: string): Promise<boolean> {
    if (ancestor === oid) return true;
    return git.isDescendent({ ...this.base, oid, ancestor, depth: -1 });
  }
}
