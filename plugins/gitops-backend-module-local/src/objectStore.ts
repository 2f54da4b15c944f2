/*
 * The object database of a bare repository, read and written with isomorphic-git. Objects are
 * immutable and content-addressed, so writing them is always safe; only ref updates (RefStore)
 * make anything visible.
 */
import git, { CommitObject, TreeEntry as GitTreeEntry } from 'isomorphic-git';
import { InputError, NotFoundError } from '@backstage/errors';
import { createGitFs } from './gitFs';

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

/**
 * A bounded map that forgets the oldest entry first: at most `size` entries and, with a
 * `weigh`t, at most `budget` in weight.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  private weight = 0;
  constructor(
    private readonly size: number,
    private readonly weigh: (value: V) => number = () => 0,
    private readonly budget = Infinity,
  ) {}
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V) {
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.weight -= this.weigh(previous);
    }
    this.entries.set(key, value);
    this.weight += this.weigh(value);
    while (
      this.entries.size > 1 &&
      (this.entries.size > this.size || this.weight > this.budget)
    ) {
      const [oldest, old] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.weight -= this.weigh(old);
    }
  }
}

/**
 * The order isomorphic-git reads tree entries in: by name (code units). Not git's order on disk,
 * where a folder sorts as its name followed by `/`.
 */
function byName(a: TreeItem, b: TreeItem): number {
  if (a.path === b.path) return 0;
  return a.path < b.path ? -1 : 1;
}

export class ObjectStore {
  private readonly fs = createGitFs();
  private readonly cache = {};
  private readonly trees = new BoundedCache<readonly TreeItem[]>(
    PARSED_CACHE_SIZE,
    tree => tree.length + 1,
    PARSED_TREE_ENTRIES,
  );
  private readonly commits = new BoundedCache<CommitObject>(PARSED_CACHE_SIZE);
  private readonly links = new BoundedCache<{ parents: string[]; time: number }>(
    PARSED_CACHE_SIZE,
  );

  constructor(readonly gitdir: string) {}

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
    const blob =
      typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    return git.writeBlob({ fs: this.fs, gitdir: this.gitdir, blob });
  }

  async writeTree(entries: TreeItem[]): Promise<string> {
    // (isomorphic-git gives each entry its canonical mode and type as it writes)
    const oid = await git.writeTree({ fs: this.fs, gitdir: this.gitdir, tree: entries });
    // a tree just written is read next by whoever diffs or reads the new commit (the reconciler
    // right after a merge): kept as a read would give it, so that read parses nothing (a folder
    // of 50,000 files is one tree object of a few MB)
    if (!this.trees.get(oid)) {
      this.trees.set(
        oid,
        entries
          .map(({ mode, path, oid: id, type }) => ({ mode, path, oid: id, type }))
          .sort(byName),
      );
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

  /** the best common ancestor of two commits, undefined when their histories are unrelated */
  /** parents and committer time of a commit, from the parsed-commit cache */
  private async commitLinks(oid: string): Promise<{ parents: string[]; time: number }> {
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
