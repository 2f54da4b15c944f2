/*
 * The Git object model behind the fake GitHub server: blobs, trees, commits and refs with real Git
 * object ids (SHA-1 of the canonical object encoding), so the ids the provider sees behave like
 * GitHub's — equal content gives equal blob ids and an unchanged subtree keeps its id.
 */
import { createHash } from 'node:crypto';

export type FileMode = '100644' | '100755' | '040000' | '160000' | '120000';

export interface TreeItem {
  name: string;
  mode: FileMode;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

/** A file of a flattened tree: path → mode and blob id. */
export interface FlatEntry {
  mode: FileMode;
  sha: string;
}

export type FlatTree = Map<string, FlatEntry>;

export class FakeGitStore {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeItem[]>();
  readonly commits = new Map<string, CommitObject>();
  /** `heads/main` → commit id (or, for `tags/...`, an annotated tag object's id) */
  readonly refs = new Map<string, string>();
  /** annotated tag objects by id */
  readonly tags = new Map<
    string,
    { sha: string; tag: string; message: string; object: string }
  >();

  putBlob(content: Buffer | string): string {
    const data =
      typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const sha = hashObject('blob', data);
    this.blobs.set(sha, data);
    return sha;
  }

  putTree(items: TreeItem[]): string {
    const sorted = [...items].sort((a, b) => compareTreeNames(a, b));
    const body = Buffer.concat(
      sorted.map(item =>
        Buffer.concat([
          Buffer.from(`${item.mode.replace(/^0/, '')} ${item.name}\0`, 'utf8'),
          Buffer.from(item.sha, 'hex'),
        ]),
      ),
    );
    const sha = hashObject('tree', body);
    this.trees.set(sha, sorted);
    return sha;
  }

  putCommit(commit: Omit<CommitObject, 'sha'>): string {
    const lines = [`tree ${commit.tree}`];
    for (const parent of commit.parents) {
      lines.push(`parent ${parent}`);
    }
    lines.push(`author ${formatIdentity(commit.author)}`);
    lines.push(`committer ${formatIdentity(commit.committer)}`);
    const body = Buffer.from(
      `${lines.join('\n')}\n\n${commit.message}`,
      'utf8',
    );
    const sha = hashObject('commit', body);
    this.commits.set(sha, { ...commit, sha });
    return sha;
  }

  /** An annotated tag object pointing at a commit; `tags/<name>` names it. */
  putTag(name: string, commit: string, message = `Release ${name}`): string {
    const body = Buffer.from(
      `object ${commit}\ntype commit\ntag ${name}\n\n${message}\n`,
      'utf8',
    );
    const sha = hashObject('tag', body);
    this.tags.set(sha, { sha, tag: name, message, object: commit });
    this.refs.set(`tags/${name}`, sha);
    return sha;
  }

  /** Builds nested trees from a flat path map; returns the root tree id. */
  writeFlatTree(flat: FlatTree): string {
    interface Dir {
      files: TreeItem[];
      dirs: Map<string, Dir>;
    }
    const root: Dir = { files: [], dirs: new Map() };
    for (const [path, entry] of flat) {
      const segments = path.split('/');
      let dir = root;
      for (const segment of segments.slice(0, -1)) {
        let next = dir.dirs.get(segment);
        if (!next) {
          next = { files: [], dirs: new Map() };
          dir.dirs.set(segment, next);
        }
        dir = next;
      }
      dir.files.push({
        name: segments[segments.length - 1],
        mode: entry.mode,
        type: entry.mode === '160000' ? 'commit' : 'blob',
        sha: entry.sha,
      });
    }
    const write = (dir: Dir): string =>
      this.putTree([
        ...dir.files,
        ...[...dir.dirs].map(([name, child]) => ({
          name,
          mode: '040000' as const,
          type: 'tree' as const,
          sha: write(child),
        })),
      ]);
    return write(root);
  }

  flattenTree(treeSha: string, prefix = ''): FlatTree {
    const flat: FlatTree = new Map();
    const items = this.trees.get(treeSha);
    if (!items) {
      throw new Error(`no tree ${treeSha}`);
    }
    for (const item of items) {
      const path = prefix ? `${prefix}/${item.name}` : item.name;
      if (item.type === 'tree') {
        for (const [p, e] of this.flattenTree(item.sha, path)) {
          flat.set(p, e);
        }
      } else {
        flat.set(path, { mode: item.mode, sha: item.sha });
      }
    }
    return flat;
  }

  flattenCommit(commitSha: string): FlatTree {
    return this.flattenTree(this.commits.get(commitSha)!.tree);
  }

  /** Resolves a full commit id, `main`, `heads/main` or `refs/heads/main` to a commit id. */
  resolveCommit(ref: string): string | undefined {
    if (this.commits.has(ref)) {
      return ref;
    }
    const name = ref.replace(/^refs\//, '');
    return this.refs.get(name) ?? this.refs.get(`heads/${name}`);
  }

  ancestors(commitSha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [commitSha];
    while (queue.length) {
      const sha = queue.pop()!;
      if (!seen.has(sha)) {
        seen.add(sha);
        queue.push(...(this.commits.get(sha)?.parents ?? []));
      }
    }
    return seen;
  }

  /** Best common ancestor (nearest to `b` in a breadth-first walk). */
  mergeBase(a: string, b: string): string | undefined {
    const ofA = this.ancestors(a);
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length) {
      const sha = queue.shift()!;
      if (ofA.has(sha)) {
        return sha;
      }
      if (!seen.has(sha)) {
        seen.add(sha);
        queue.push(...(this.commits.get(sha)?.parents ?? []));
      }
    }
    return undefined;
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  commitsBetween(base: string, head: string): CommitObject[] {
    const exclude = this.ancestors(base);
    const result: CommitObject[] = [];
    const queue = [head];
    const seen = new Set<string>();
    while (queue.length) {
      const sha = queue.shift()!;
      if (!exclude.has(sha) && !seen.has(sha)) {
        seen.add(sha);
        const commit = this.commits.get(sha)!;
        result.push(commit);
        queue.push(...commit.parents);
      }
    }
    return result.reverse();
  }

  /**
   * Three-way merge of two commits' trees on whole files: a path changed differently on both
   * sides is a conflict (what GitHub reports as `mergeable: false`).
   */
  mergeTrees(
    base: string,
    ours: string,
    theirs: string,
  ): { tree: FlatTree } | { conflicts: string[] } {
    const baseFlat = this.flattenCommit(base);
    const oursFlat = this.flattenCommit(ours);
    const theirsFlat = this.flattenCommit(theirs);
    const merged: FlatTree = new Map(oursFlat);
    const conflicts: string[] = [];
    const paths = new Set([...baseFlat.keys(), ...theirsFlat.keys()]);
    for (const path of paths) {
      const b = baseFlat.get(path)?.sha;
      const o = oursFlat.get(path)?.sha;
      const t = theirsFlat.get(path)?.sha;
      if (t === b || t === o) {
        continue;
      }
      if (o !== b) {
        conflicts.push(path);
        continue;
      }
      const entry = theirsFlat.get(path);
      if (entry) {
        merged.set(path, entry);
      } else {
        merged.delete(path);
      }
    }
    return conflicts.length ? { conflicts } : { tree: merged };
  }

  /** Test helper: commits files (content, or null to delete) on a branch, creating it if needed. */
  commitFiles(
    branch: string,
    /** path → text or bytes; null deletes */
    files: Record<string, string | Buffer | null>,
    options: { message?: string; author?: GitIdentity; from?: string } = {},
  ): string {
    const parent = this.refs.get(`heads/${branch}`) ?? options.from;
    const flat: FlatTree = parent ? this.flattenCommit(parent) : new Map();
    for (const [path, content] of Object.entries(files)) {
      if (content === null) {
        flat.delete(path);
      } else {
        flat.set(path, { mode: '100644', sha: this.putBlob(content) });
      }
    }
    const author = options.author ?? {
      name: 'Fixture Author',
      email: 'fixture@example.com',
      date: new Date().toISOString(),
    };
    const sha = this.putCommit({
      tree: this.writeFlatTree(flat),
      parents: parent ? [parent] : [],
      author,
      committer: author,
      message: options.message ?? `update ${Object.keys(files).join(', ')}`,
    });
    this.refs.set(`heads/${branch}`, sha);
    return sha;
  }
}

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1')
    .update(Buffer.from(`${type} ${body.length}\0`, 'utf8'))
    .update(body)
    .digest('hex');
}

function formatIdentity(identity: GitIdentity): string {
  const seconds = Math.floor(new Date(identity.date).getTime() / 1000);
  return `${identity.name} <${identity.email}> ${seconds} +0000`;
}

/** Git sorts tree entries by name, comparing directories as if their name ended with `/`. */
function compareTreeNames(a: TreeItem, b: TreeItem): number {
  const an = a.type === 'tree' ? `${a.name}/` : a.name;
  const bn = b.type === 'tree' ? `${b.name}/` : b.name;
  return Buffer.compare(Buffer.from(an), Buffer.from(bn));
}
