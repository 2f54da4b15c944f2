/*
 * Versions under review: ArtifactVersion files added or edited by open change requests of the
 * records repositories, read at each change's head. Clients never see them (only merged files
 * are served); the Registry pages show them as "open change", with a link to the review. Kept
 * until a Git event arrives (a change opened, updated, merged or closed) or `refreshMs` passes.
 */
import {
  findKind,
  validate,
  type RepoLayout,
} from '@butler-portal/plugin-gitops-common';
import type { ArtifactVersionRecord } from '@butler-portal/plugin-registry-common';
import type { RecordsRepository } from './GitMergedRecords';

export interface OpenVersion {
  record: ArtifactVersionRecord;
  file: string;
  change: {
    repository: string;
    id: string;
    number: number;
    title: string;
    url?: string;
  };
}

/** at most this many open changes per repository are read (the newest first) */
const MAX_CHANGES = 200;

function versionsFolder(layout?: RepoLayout): string {
  const root = (layout?.root ?? '').replace(/^\/+|\/+$/g, '');
  return `${root ? `${root}/` : ''}${findKind('ArtifactVersion')!.folder}/`;
}

export class OpenVersions {
  readonly #repositories: () => readonly RecordsRepository[];
  readonly #ready: () => Promise<void>;
  readonly #refreshMs: number;
  readonly #now: () => number;
  #cached?: { at: number; promise: Promise<OpenVersion[]> };

  constructor(options: {
    repositories: () => readonly RecordsRepository[];
    ready?: () => Promise<void>;
    refreshMs: number;
    now?: () => number;
  }) {
    this.#repositories = options.repositories;
    this.#ready = options.ready ?? (() => Promise.resolve());
    this.#refreshMs = options.refreshMs;
    this.#now = options.now ?? Date.now;
  }

  invalidate(): void {
    this.#cached = undefined;
  }

  list(): Promise<OpenVersion[]> {
    const now = this.#now();
    if (!this.#cached || now - this.#cached.at > this.#refreshMs) {
      const promise = this.#read();
      this.#cached = { at: now, promise };
      promise.catch(() => {
        if (this.#cached?.promise === promise) this.#cached = undefined;
      });
    }
    return this.#cached.promise;
  }

  async #read(): Promise<OpenVersion[]> {
    await this.#ready();
    const found: OpenVersion[] = [];
    for (const repository of this.#repositories()) {
      if (!repository.kinds.includes('ArtifactVersion')) continue;
      const folder = versionsFolder(repository.layout);
      const changes = (await repository.provider.listChanges({ state: 'open' }))
        .filter(c => c.paths.some(p => p.startsWith(folder)))
        .slice(0, MAX_CHANGES);
      for (const change of changes) {
        for (const path of change.paths.filter(p => p.startsWith(folder))) {
          const file = await repository.provider.readFile(path, change.headSha);
          if (!file) continue; // the change deletes it
          const result = validate(file.content, path, {
            layout: repository.layout,
          });
          if (
            !result.ok ||
            (result.resource as { kind: string }).kind !== 'ArtifactVersion'
          ) {
            continue; // the change's own checks report it
          }
          found.push({
            record: result.resource as unknown as ArtifactVersionRecord,
            file: path,
            change: {
              repository: repository.id,
              id: change.id,
              number: change.number,
              title: change.title,
              ...(change.url && { url: change.url }),
            },
          });
        }
      }
    }
    return found;
  }
}
