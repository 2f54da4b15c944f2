/*
 * MergedRecords over GitProvider.listTree/readFile and gitops-common's validate(). Heads are
 * remembered until a Git event invalidates them (or, as a fallback for missed webhooks, for
 * `headRefreshMs`); a snapshot is computed once per set of head commits, and a blob is parsed
 * once whatever commit it appears in (blob ids are content hashes).
 */
import {
  findKind,
  validate,
  type RepoLayout,
} from '@butler-portal/plugin-gitops-common';
import {
  BoundedMap,
  type GitProvider,
  mapLimited,
} from '@butler-portal/plugin-gitops-node';
import type {
  ArtifactRecord,
  ArtifactVersionRecord,
} from '@butler-portal/plugin-registry-common';
import type {
  Located,
  MergedRecords,
  RecordProblem,
  RecordsSnapshot,
} from './MergedRecords';

/** The part of a configured repository Keeper needs. */
export interface RecordsRepository {
  id: string;
  provider: GitProvider;
  kinds: readonly string[];
  layout?: RepoLayout;
}

type Parsed =
  | { ok: true; kind: 'Artifact' | 'ArtifactVersion'; record: unknown }
  | { ok: false; message: string };

const KEEPER_KINDS = ['Artifact', 'ArtifactVersion'] as const;
const MAX_BLOB_CACHE = 50_000;
const READ_CONCURRENCY = 8;

export class GitMergedRecords implements MergedRecords {
  readonly #ready: () => Promise<void>;
  readonly #repositories: () => readonly RecordsRepository[];
  readonly #headRefreshMs: number;
  readonly #now: () => number;
  #heads?: { at: number; promise: Promise<Map<string, string>> };
  #snapshot?: { revision: string; promise: Promise<RecordsSnapshot> };
  readonly #blobs = new BoundedMap<string, Parsed>({
    maxEntries: MAX_BLOB_CACHE,
  });

  constructor(options: {
    /** resolves when `repositories()` may be called */
    ready?: () => Promise<void>;
    repositories: () => readonly RecordsRepository[];
    headRefreshMs: number;
    now?: () => number;
  }) {
    this.#ready = options.ready ?? (() => Promise.resolve());
    this.#repositories = options.repositories;
    this.#headRefreshMs = options.headRefreshMs;
    this.#now = options.now ?? Date.now;
  }

  #keeperRepositories(): RecordsRepository[] {
    return this.#repositories().filter(r =>
      KEEPER_KINDS.some(k => r.kinds.includes(k)),
    );
  }

  invalidate(): void {
    this.#heads = undefined;
  }

  #currentHeads(): Promise<Map<string, string>> {
    const now = this.#now();
    if (!this.#heads || now - this.#heads.at > this.#headRefreshMs) {
      const promise = (async () => {
        await this.#ready();
        const entries = await Promise.all(
          this.#keeperRepositories().map(
            async r => [r.id, await r.provider.head()] as const,
          ),
        );
        return new Map(entries);
      })();
      this.#heads = { at: now, promise };
      // a failed lookup is not remembered: the next request tries again
      promise.catch(() => {
        if (this.#heads?.promise === promise) this.#heads = undefined;
      });
    }
    return this.#heads.promise;
  }

  async current(): Promise<RecordsSnapshot> {
    const heads = await this.#currentHeads();
    const revision = [...heads].map(([id, c]) => `${id}@${c}`).join(',');
    if (this.#snapshot?.revision !== revision) {
      const promise = this.#read(heads, revision);
      this.#snapshot = { revision, promise };
      promise.catch(() => {
        if (this.#snapshot?.promise === promise) this.#snapshot = undefined;
      });
    }
    return this.#snapshot.promise;
  }

  async #read(
    heads: Map<string, string>,
    revision: string,
  ): Promise<RecordsSnapshot> {
    const artifacts: Located<ArtifactRecord>[] = [];
    const versions: Located<ArtifactVersionRecord>[] = [];
    const problems: RecordProblem[] = [];
    for (const repository of this.#keeperRepositories()) {
      const commit = heads.get(repository.id);
      if (!commit) continue;
      const root = (repository.layout?.root ?? '').replace(/^\/+|\/+$/g, '');
      for (const kindName of KEEPER_KINDS) {
        if (!repository.kinds.includes(kindName)) continue;
        const folder = `${root ? `${root}/` : ''}${
          findKind(kindName)!.folder
        }/`;
        const entries = await repository.provider.listTree(commit, folder);
        const files = entries.filter(e => e.path.endsWith('.yaml'));
        // blobs not seen before are read a few at a time (a remote provider's rate limits)
        const parsedFiles = await mapLimited(files, READ_CONCURRENCY, entry =>
          this.#parse(repository, commit, entry),
        );
        for (const [i, entry] of files.entries()) {
          const parsed = parsedFiles[i];
          if (!parsed.ok) {
            problems.push({
              repository: repository.id,
              file: entry.path,
              message: parsed.message,
            });
          } else if (parsed.kind !== kindName) {
            problems.push({
              repository: repository.id,
              file: entry.path,
              message: `holds a ${parsed.kind}, not a ${kindName}`,
            });
          } else if (parsed.kind === 'Artifact') {
            artifacts.push({
              repository: repository.id,
              file: entry.path,
              record: parsed.record as ArtifactRecord,
            });
          } else {
            versions.push({
              repository: repository.id,
              file: entry.path,
              record: parsed.record as ArtifactVersionRecord,
            });
          }
        }
      }
    }
    return { revision, commits: heads, artifacts, versions, problems };
  }

  async #parse(
    repository: RecordsRepository,
    commit: string,
    entry: { path: string; sha: string },
  ): Promise<Parsed> {
    const key = `${entry.sha}:${entry.path}`;
    const cached = this.#blobs.get(key);
    if (cached) return cached;
    const file = await repository.provider.readFile(entry.path, commit);
    let parsed: Parsed;
    if (!file) {
      parsed = { ok: false, message: 'listed but not readable' };
    } else {
      const result = validate(file.content, entry.path, {
        layout: repository.layout,
      });
      if (result.ok) {
        const kind = (result.resource as { kind: string }).kind;
        parsed = KEEPER_KINDS.includes(kind as any)
          ? {
              ok: true,
              kind: kind as 'Artifact' | 'ArtifactVersion',
              record: result.resource,
            }
          : { ok: false, message: `holds a ${kind}, not a Keeper record` };
      } else {
        parsed = {
          ok: false,
          message: result.issues
            .map(i => `${i.path || '/'} (line ${i.line}): ${i.message}`)
            .join('; '),
        };
      }
    }
    this.#blobs.set(key, parsed);
    return parsed;
  }
}
