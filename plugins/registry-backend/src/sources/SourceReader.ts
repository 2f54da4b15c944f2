/*
 * The content of a version: the files of a git source at its pinned commit (under its
 * subdirectory), checked against a pinned digest, and its deterministic archive. Content of a
 * pinned commit never changes, so it is cached by repository, commit and subdirectory.
 */
import {
  InputError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import {
  BoundedMap,
  type GitProvider,
  mapLimited,
  validateShortRef,
} from '@butler-portal/plugin-gitops-node';
import type { GitSource } from '@butler-portal/plugin-registry-common';
import {
  deterministicTarGz,
  sha256Digest,
  type ArchiveEntry,
} from '../archive/deterministicTarGz';
import { byPath } from '../archive/byPath';
import { RegistryError } from '../errors';

export interface SourceContent {
  repository: string;
  commit: string;
  /** paths relative to the subdirectory, sorted */
  files: ArchiveEntry[];
  /** deterministic tar.gz of `files` */
  archive: Buffer;
  /** sha256 of `archive` */
  digest: string;
}

/** Reads source files; GitProvider-backed in the portal, in memory in the benchmark. */
export interface SourceReader {
  read(source: GitSource): Promise<SourceContent>;
  /**
   * The commit a branch, tag or full SHA of a source repository (a configured repository's id,
   * or a git URL naming one) points at now: what the publish flow pins.
   */
  resolveRef?(
    source: string,
    ref: string,
  ): Promise<{ repository: string; commit: string }>;
}

const COMMIT = /^[0-9a-f]{40}$/;
const MAX_FILES = 2_000;
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_CACHED = 256;
const READ_CONCURRENCY = 8;

/**
 * A file's exact bytes, so binary files (images, zips, compiled plugins) reach the archive and
 * its digest intact. A provider without readFileBytes only offers text, which is right for text
 * files but replaces invalid UTF-8 in a binary one; all the portal's providers have it.
 */
async function readBytes(
  provider: GitProvider,
  path: string,
  commit: string,
): Promise<Buffer | undefined> {
  if (provider.readFileBytes) {
    const file = await provider.readFileBytes(path, commit);
    return (
      file &&
      Buffer.from(
        file.content.buffer,
        file.content.byteOffset,
        file.content.byteLength,
      )
    );
  }
  const file = await provider.readFile(path, commit);
  return file && Buffer.from(file.content, 'utf8');
}

export class GitSourceReader implements SourceReader {
  readonly #ready: () => Promise<void>;
  readonly #providers: (id: string) => GitProvider | undefined;
  readonly #repositoryIds: () => string[];
  readonly #cache = new BoundedMap<string, Promise<SourceContent>>({
    maxEntries: MAX_CACHED,
  });

  constructor(options: {
    ready?: () => Promise<void>;
    provider: (id: string) => GitProvider | undefined;
    repositoryIds: () => string[];
  }) {
    this.#ready = options.ready ?? (() => Promise.resolve());
    this.#providers = options.provider;
    this.#repositoryIds = options.repositoryIds;
  }

  /** the configured repository a url names (ending in `/<id>` or `/<id>.git`), if any */
  #repositoryOfUrl(url: string): string | undefined {
    const match = /\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.git)?\/?$/.exec(url);
    const id = match?.[1];
    return id && this.#repositoryIds().includes(id) ? id : undefined;
  }

  /** the configured repository a source names (`repository`, or a url ending in `/<id>.git`) */
  #repositoryOf(source: GitSource): string {
    if (source.repository) return source.repository;
    const id = this.#repositoryOfUrl(source.url);
    if (id) return id;
    throw new RegistryError(
      502,
      `the source ${
        source.url
      } is not one of the portal's repositories (${this.#repositoryIds().join(
        ', ',
      )}); name it with spec.source.git.repository`,
    );
  }

  async #commitOf(provider: GitProvider, source: GitSource): Promise<string> {
    if (source.commit) return source.commit;
    if (!source.digest) {
      throw new RegistryError(
        502,
        'the git source pins neither a commit nor a digest (spec.source.git.commit); Keeper serves only immutable content',
      );
    }
    if (COMMIT.test(source.ref)) return source.ref;
    // only a digest: the ref is resolved, and the digest check below keeps the content fixed
    try {
      return await provider.head(source.ref);
    } catch (error) {
      throw new RegistryError(
        502,
        `the ref ${JSON.stringify(source.ref)} of ${
          source.url
        } cannot be resolved: ${(error as Error).message}`,
      );
    }
  }

  async resolveRef(
    source: string,
    ref: string,
  ): Promise<{ repository: string; commit: string }> {
    // eslint-disable-next-line no-control-regex
    if (!source || source.length > 2048 || /[\x00-\x20\x7f\\]/.test(source)) {
      throw new InputError(
        'source: a repository id or git URL without spaces, control characters or backslashes is required',
      );
    }
    if (source.split(/[/:]/).some(segment => segment === '..')) {
      throw new InputError(`source: ${JSON.stringify(source)} contains ".."`);
    }
    validateShortRef(ref);
    await this.#ready();
    const ids = this.#repositoryIds();
    const repository = ids.includes(source)
      ? source
      : this.#repositoryOfUrl(source);
    const provider = repository && this.#providers(repository);
    if (!repository || !provider) {
      throw new NotFoundError(
        `source ${JSON.stringify(
          source,
        )} is not one of the portal's repositories (${ids.join(
          ', ',
        )}); a ref of an outside repository cannot be resolved here, give its full commit SHA`,
      );
    }
    if (!provider.resolveRef) {
      throw new NotImplementedError(
        `the ${provider.type} provider of repository "${repository}" cannot resolve refs; give the full commit SHA`,
      );
    }
    return { repository, commit: await provider.resolveRef(ref) };
  }

  async read(source: GitSource): Promise<SourceContent> {
    await this.#ready();
    const repository = this.#repositoryOf(source);
    const provider = this.#providers(repository);
    if (!provider) {
      throw new RegistryError(
        502,
        `the repository "${repository}" of this version is not configured`,
      );
    }
    const commit = await this.#commitOf(provider, source);
    const subdirectory = (source.subdirectory ?? '').replace(/\/+$/, '');
    if (subdirectory.split('/').some(s => s === '..' || s === '.')) {
      throw new RegistryError(
        400,
        `the subdirectory ${JSON.stringify(
          subdirectory,
        )} climbs out of the repository`,
      );
    }
    const key = `${repository}\n${commit}\n${subdirectory}`;
    // a failed read (e.g. a commit not fetched yet) is tried again next time
    const content =
      this.#cache.get(key) ??
      this.#cache.setUntilRejected(
        key,
        this.#load(provider, repository, commit, subdirectory),
      );
    const result = await content;
    if (source.digest && result.digest !== source.digest) {
      throw new RegistryError(
        502,
        `the content of ${repository}@${commit}${
          subdirectory ? `:${subdirectory}` : ''
        } has digest ${result.digest}, but the version pins ${
          source.digest
        }; nothing is served`,
      );
    }
    return result;
  }

  async #load(
    provider: GitProvider,
    repository: string,
    commit: string,
    subdirectory: string,
  ): Promise<SourceContent> {
    const prefix = subdirectory ? `${subdirectory}/` : '';
    let entries;
    try {
      entries = await provider.listTree(commit, prefix || undefined);
    } catch (error) {
      throw new RegistryError(
        502,
        `the pinned commit ${commit} cannot be read from repository "${repository}": ${
          (error as Error).message
        }`,
      );
    }
    entries = entries.filter(e => e.path.startsWith(prefix));
    if (entries.length === 0) {
      throw new RegistryError(
        502,
        `repository "${repository}" has no files under "${
          subdirectory || '/'
        }" at commit ${commit}`,
      );
    }
    if (entries.length > MAX_FILES) {
      throw new RegistryError(
        502,
        `the source has ${entries.length} files, more than the ${MAX_FILES} Keeper packages`,
      );
    }
    let total = 0;
    const files: ArchiveEntry[] = [];
    await mapLimited(entries, READ_CONCURRENCY, async entry => {
      const content = await readBytes(provider, entry.path, commit);
      if (!content) return;
      total += content.length;
      if (total > MAX_BYTES) {
        throw new RegistryError(
          502,
          `the source is larger than ${MAX_BYTES} bytes`,
        );
      }
      files.push({ path: entry.path.slice(prefix.length), content });
    });
    files.sort(byPath);
    const archive = await deterministicTarGz(files);
    return {
      repository,
      commit,
      files,
      archive,
      digest: sha256Digest(archive),
    };
  }
}
