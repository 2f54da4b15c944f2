/*
 * One reader of a commit for everything that needs the resources in it: the resources API, the
 * catalog's entity provider and the reconciler. A commit is read as one tree listing; each blob
 * is read, parsed and validated once (cached by path and blob id, since the path is part of
 * what is validated), so a commit that changes one file of thousands costs one blob read, and
 * a second request at the same commit costs nothing but the head lookup.
 *
 * One reader exists per provider and process (snapshotReaderFor), so the three consumers share
 * the work.
 */
import { BoundedMap } from '../util';
import {
  KINDS,
  parseResourcePath,
  parseResourceYaml,
  validate,
  type GitOpsResource,
  type KindName,
  type RepoLayout,
  type ResourceRef,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { GitProvider, TreeEntry } from '../provider/types';
import { mapLimited } from '../util/mapLimited';

/** blobs asked for in one bulk read */
const BLOB_BATCH = 2000;

/** One YAML file of a kind folder at a commit, read and validated. */
export interface SnapshotFile {
  path: string;
  /** git blob id */
  blob: string;
  /** kind, namespace and name from the path; undefined when the path is not a resource path */
  ref?: ResourceRef;
  /** the validated resource; undefined when the file has issues */
  resource?: GitOpsResource;
  /** the object as written (also when invalid); null when the YAML does not parse */
  object: Record<string, unknown> | null;
  /** every issue of the file, located; empty when valid */
  issues: ValidationIssue[];
  content: string;
}

export interface CommitSnapshot {
  repository: string;
  commit: string;
  /** every YAML file in a kind folder of the layout, in code-unit path order */
  files: readonly SnapshotFile[];
  /** the files whose path says they hold this kind */
  ofKind(kind: KindName): readonly SnapshotFile[];
  /** one file by path */
  get(path: string): SnapshotFile | undefined;
  /**
   * set when the snapshot was made from the kept snapshot of `commit` and the paths whose file
   * differs from that snapshot's: the layout paths changed since (added, modified or deleted)
   * and the files that snapshot could not read, read again here. A consumer holding what it
   * derived from that snapshot can update it by these paths instead of going over every file
   */
  since?: { commit: string; paths: readonly string[] };
}

export interface SnapshotReaderOptions {
  /** `head` is needed for head() only (a checkout on disk, say, has none) */
  provider: Pick<GitProvider, 'listTree' | 'readFile'> &
    Partial<
      Pick<GitProvider, 'head' | 'repository' | 'readBlobs' | 'changedPaths'>
    >;
  layout?: RepoLayout;
  /** commits kept whole (the head, the reconciler's commit, one being read); default 4 */
  keepCommits?: number;
  /** blobs read at once; bounded so that a large repository does not open thousands of reads */
  readConcurrency?: number;
}

/** How many blobs the reader has fetched from the provider; benchmarks and tests read it. */
export interface SnapshotReaderStats {
  blobReads: number;
  treeListings: number;
  /** snapshots made from a kept one and the paths changed since (no tree listing) */
  deltas: number;
}

/** more changed files than this and a commit is listed whole (one listing beats many lookups) */
const MAX_DELTA_PATHS = 100;

/** code-unit order of paths, the same on every machine */
function byCodeUnitPath(a: { path: string }, b: { path: string }): number {
  if (a.path === b.path) return 0;
  return a.path < b.path ? -1 : 1;
}

/** files that stand for a failed read: reported, never cached */
const unreadable = new WeakSet<SnapshotFile>();

/**
 * the unreadable files of each snapshot (usually none), so that a snapshot made from it reads
 * them again without a pass over every file: a failed read is not carried to later commits
 */
const unreadableIn = new WeakMap<CommitSnapshot, readonly SnapshotFile[]>();

/** `snapshot`, recording which of `read` (the files read for it) could not be read */
function withUnreadable(
  snapshot: CommitSnapshot,
  read: ReadonlyMap<string, SnapshotFile>,
): CommitSnapshot {
  const failed = [...read.values()].filter(f => unreadable.has(f));
  if (failed.length > 0) unreadableIn.set(snapshot, failed);
  return snapshot;
}

export class SnapshotReader {
  readonly stats: SnapshotReaderStats = {
    blobReads: 0,
    treeListings: 0,
    deltas: 0,
  };
  private readonly snapshots: BoundedMap<string, Promise<CommitSnapshot>>;
  private readonly resolved = new Map<string, CommitSnapshot>();
  private readonly folders = new Set(KINDS.map(k => k.folder));

  constructor(private readonly options: SnapshotReaderOptions) {
    this.snapshots = new BoundedMap({
      maxEntries: options.keepCommits ?? 4,
      // a snapshot no longer kept frees its parsed files
      onEvict: commit => this.resolved.delete(commit),
    });
  }

  /** the snapshot at the head of the default branch (or of `branch`) */
  async head(branch?: string): Promise<CommitSnapshot> {
    const { provider } = this.options;
    if (!provider.head)
      throw new Error('this snapshot reader reads given commits only');
    return this.at(await provider.head(branch));
  }

  /**
   * the snapshot at a commit id; concurrent callers for one commit share one read. `since`, a
   * commit whose snapshot is still kept, lets the reader list only the paths changed between the
   * two (a tree diff skips equal subtrees) instead of the whole tree, so reading the next commit
   * costs the change, not the repository; it lists the whole tree when that snapshot is gone,
   * the change is large or the diff fails.
   */
  at(
    commit: string,
    options: { since?: string } = {},
  ): Promise<CommitSnapshot> {
    const cached = this.snapshots.get(commit);
    if (cached) {
      this.snapshots.set(commit, cached); // most recently used last
      return cached;
    }
    // the snapshots kept now (before one is dropped for this one) lend it their parsed files
    const kept = [...this.resolved.values()].reverse();
    const base =
      options.since !== undefined
        ? this.resolved.get(options.since)
        : undefined;
    const snapshot = base
      ? this.readSince(base, commit, kept).then(
          s => s ?? this.read(commit, kept),
        )
      : this.read(commit, kept);
    this.snapshots.set(commit, snapshot);
    snapshot.catch(() => {
      // unless a newer read of this commit replaced it meanwhile
      if (this.snapshots.get(commit) === snapshot) {
        this.snapshots.delete(commit);
        this.resolved.delete(commit);
      }
    });
    return snapshot.then(s => {
      // parsed files live as long as a kept snapshot refers to them: memory follows the
      // repository (no cache of its own to prune)
      if (this.snapshots.has(commit)) this.resolved.set(commit, s);
      return s;
    });
  }

  /** the layout's root, without slashes around it */
  private root(): string {
    return (this.options.layout?.root ?? '').replace(/^\/+|\/+$/g, '');
  }

  /** a YAML file in a kind folder of the layout */
  private inLayout(path: string): boolean {
    const root = this.root();
    const prefix = root ? `${root}/` : '';
    if (!path.startsWith(prefix) || !/\.ya?ml$/.test(path)) return false;
    return this.folders.has(path.slice(prefix.length).split('/')[0]);
  }

  /**
   * `commit` as `base` plus the paths changed since it; undefined when that is not the cheaper
   * way (no diff from the provider, a large change) or the diff fails: the caller lists it whole
   */
  private async readSince(
    base: CommitSnapshot,
    commit: string,
    kept: readonly CommitSnapshot[],
  ): Promise<CommitSnapshot | undefined> {
    const { provider } = this.options;
    if (!provider.changedPaths) return undefined;
    try {
      const changed = (await provider.changedPaths(base.commit, commit)).filter(
        c => this.inLayout(c.path),
      );
      // what the base could not read is read again (same blob: no lookup), else a transient
      // provider error would stay in every later snapshot
      const changedSet = new Set(changed.map(c => c.path));
      const reread = (unreadableIn.get(base) ?? []).filter(
        f => !changedSet.has(f.path),
      );
      if (changed.length + reread.length > MAX_DELTA_PATHS) return undefined;
      // the base's files, in path order, patched at the changed paths (a copy of the array and
      // a binary search per path: no pass that builds anything per file)
      const files = base.files.slice();
      const entries: TreeEntry[] = reread.map(f => ({
        path: f.path,
        sha: f.blob,
      }));
      for (const { path, status } of changed) {
        if (status === 'deleted') continue;
        // the blob id of one path: a lookup along that path, not a listing
        const entry = (await provider.listTree(commit, path)).find(
          e => e.path === path,
        );
        // a changed file that cannot be found must not read as deleted: list the commit whole
        if (!entry) return undefined;
        entries.push(entry);
      }
      const read = await this.readEntries(commit, entries, kept);
      for (const { path, status } of changed) {
        const i = lowerBound(files, path);
        const present = files[i]?.path === path;
        const file = status === 'deleted' ? undefined : read.get(path);
        if (file && present) files[i] = file;
        else if (file) files.splice(i, 0, file);
        else if (present) files.splice(i, 1);
      }
      for (const { path } of reread)
        files[lowerBound(files, path)] = read.get(path)!;
      this.stats.deltas++;
      return withUnreadable(
        snapshotOf(provider.repository ?? '', commit, files, {
          commit: base.commit,
          paths: [...changedSet, ...reread.map(f => f.path)],
        }),
        read,
      );
    } catch {
      return undefined;
    }
  }

  private async read(
    commit: string,
    kept: readonly CommitSnapshot[],
  ): Promise<CommitSnapshot> {
    const { provider } = this.options;
    const root = this.root();
    this.stats.treeListings++;
    const tree = (await provider.listTree(commit, root || undefined))
      .filter(entry => this.inLayout(entry.path))
      .sort(byCodeUnitPath);
    const read = await this.readEntries(commit, tree, kept);
    return withUnreadable(
      snapshotOf(
        provider.repository ?? '',
        commit,
        tree.map(entry => read.get(entry.path)!),
      ),
      read,
    );
  }

  /**
   * The files of `entries` at `commit`: those a kept snapshot holds with the same blob are
   * taken from it, the others read (in bulk where the provider can) and validated.
   */
  private async readEntries(
    commit: string,
    entries: readonly TreeEntry[],
    kept: readonly CommitSnapshot[],
  ): Promise<Map<string, SnapshotFile>> {
    const { provider, layout } = this.options;
    const found = new Map<string, SnapshotFile>();
    const missing: TreeEntry[] = [];
    for (const entry of entries) {
      const cached = keptFile(kept, entry);
      if (cached) found.set(entry.path, cached);
      else missing.push(entry);
    }
    // blobs in bulk where the provider can (in batches, so memory stays bounded)
    const bulk = new Map<string, string>();
    if (provider.readBlobs) {
      for (let i = 0; i < missing.length; i += BLOB_BATCH) {
        const ids = [
          ...new Set(missing.slice(i, i + BLOB_BATCH).map(e => e.sha)),
        ];
        for (const [id, text] of await provider.readBlobs(ids))
          bulk.set(id, text);
      }
    }
    await mapLimited(
      missing,
      this.options.readConcurrency ?? 16,
      async entry => {
        this.stats.blobReads++;
        const text = bulk.get(entry.sha);
        const file =
          text !== undefined
            ? { content: text }
            : await provider.readFile(entry.path, commit);
        if (!file) {
          // reported, never dropped (a reconciler must not delete what it could not read), and
          // not kept for another commit: it may read next time
          found.set(entry.path, unreadableFile(entry.path, entry.sha, layout));
          return;
        }
        found.set(
          entry.path,
          readFile(entry.path, entry.sha, file.content, layout),
        );
      },
    );
    return found;
  }
}

/** the index of `path` in `files` (path order), or where it would go */
function lowerBound(files: readonly SnapshotFile[], path: string): number {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (files[mid].path < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** the file a kept snapshot holds at this path with this blob (parsed already) */
function keptFile(
  kept: readonly CommitSnapshot[],
  entry: TreeEntry,
): SnapshotFile | undefined {
  for (const snapshot of kept) {
    const file = snapshot.get(entry.path);
    if (file && file.blob === entry.sha && !unreadable.has(file)) return file;
  }
  return undefined;
}

/**
 * A snapshot of `files` (in path order). Lookups by path are binary searches and the per-kind
 * lists are made on first use, so making a snapshot costs no pass over its files.
 */
function snapshotOf(
  repository: string,
  commit: string,
  files: readonly SnapshotFile[],
  since?: CommitSnapshot['since'],
): CommitSnapshot {
  let byKind: Map<KindName, SnapshotFile[]> | undefined;
  return {
    repository,
    commit,
    files,
    ...(since && { since }),
    ofKind: kind => {
      if (!byKind) {
        byKind = new Map();
        for (const file of files) {
          if (!file.ref) continue;
          const list = byKind.get(file.ref.kind) ?? [];
          list.push(file);
          byKind.set(file.ref.kind, list);
        }
      }
      return byKind.get(kind) ?? [];
    },
    get: path => {
      const file = files[lowerBound(files, path)];
      return file?.path === path ? file : undefined;
    },
  };
}

function readFile(
  path: string,
  blob: string,
  content: string,
  layout?: RepoLayout,
): SnapshotFile {
  const ref = parseResourcePath(path, layout);
  const result = validate(content, path, { layout });
  let object: Record<string, unknown> | null = null;
  if (result.ok) {
    object = result.resource as unknown as Record<string, unknown>;
  } else {
    const parsed = parseResourceYaml(content);
    object = parsed.ok ? (parsed.yaml.value as Record<string, unknown>) : null;
  }
  return {
    path,
    blob,
    ...(ref && { ref }),
    ...(result.ok && { resource: result.resource }),
    object,
    issues: result.ok ? [] : result.issues,
    content,
  };
}

function unreadableFile(
  path: string,
  blob: string,
  layout?: RepoLayout,
): SnapshotFile {
  const ref = parseResourcePath(path, layout);
  const file: SnapshotFile = {
    path,
    blob,
    ...(ref && { ref }),
    object: null,
    issues: [
      {
        file: path,
        path: '',
        line: 1,
        column: 1,
        message: 'listed but could not be read',
      },
    ],
    content: '',
  };
  unreadable.add(file);
  return file;
}

const readers = new WeakMap<object, SnapshotReader>();

/**
 * The process-wide reader of a repository's provider: the resources API, the catalog provider
 * and the reconciler get the same one, so a blob is parsed once for all of them.
 */
export function snapshotReaderFor(repository: {
  provider: SnapshotReaderOptions['provider'];
  layout?: RepoLayout;
}): SnapshotReader {
  let reader = readers.get(repository.provider);
  if (!reader) {
    reader = new SnapshotReader({
      provider: repository.provider,
      layout: repository.layout,
    });
    readers.set(repository.provider, reader);
  }
  return reader;
}
