/*
 * One entity provider per configured GitOps repository. It reads the default branch only:
 *
 *   first run      a full mutation of every resource file (files seen before with the same blob
 *                  are not read again)
 *   afterwards     a delta mutation of the resource files that differ between the last processed
 *                  commit and the new head, so the cost grows with the change, not with the repo
 *
 * Runs are triggered by push events (about a second after a merge) and by a poll as fallback,
 * one at a time per repository. Open change requests are re-read on change events and, less
 * often, on the poll; every entity lists the open ones touching its file.
 *
 * A file that stops validating does not take its entity away: the last valid entity is handed
 * over again, marked with the issues (portal.butlerlabs.dev/source-error), which the processor
 * reports as a processing error. The catalog keeps serving the last valid entity and shows the
 * error in its status. Other files are not affected.
 */
import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  type GitOpsResource,
  type KindName,
  parseResourcePath,
  type RepoLayout,
  type ResourceRef,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import {
  formatChangeId,
  type GitProvider,
  snapshotReaderFor,
  type SnapshotFile,
} from '@butler-portal/plugin-gitops-node';
import {
  type EntitySource,
  entityWithSourceError,
  formatIssues,
  resourceToEntity,
} from '../entity/resourceToEntity';
import { ValidatedResources } from '../processor/ValidatedResources';
import { CoalescingRunner } from './CoalescingRunner';

/** A repository as the provider reads it (the same shape the change service is given). */
export interface GitOpsProviderRepository {
  id: string;
  provider: GitProvider;
  /** kinds whose files this repository holds; files of other kinds are not read */
  kinds: readonly KindName[];
  layout?: RepoLayout;
}

export interface GitOpsEntityProviderOptions {
  repository: GitOpsProviderRepository;
  logger: LoggerService;
  /**
   * Base URL of the portal frontend (`app.baseUrl`). Files of providers without a web UI (the
   * local provider) link to the portal's resource page below it.
   */
  appBaseUrl: string;
  /** runs the poll; without it the provider syncs on events and explicit calls only */
  schedule?: SchedulerServiceTaskRunner;
  /** how often a poll also re-reads the open change requests (default 5 minutes) */
  openChangesRefreshMs?: number;
  /**
   * where to record the resources handed over valid (the snapshot validated their blobs), so
   * the processor does not validate them again
   */
  validated?: ValidatedResources;
  now?: () => number;
}

/** What a run must look at; runs merge these (see CoalescingRunner). */
export interface SyncRequest {
  /** read the default branch again from scratch (a full mutation) */
  full?: boolean;
  /** re-read the open change requests */
  changes?: boolean;
}

/** What is known about one resource file of the default branch. */
interface FileRecord {
  ref: ResourceRef;
  /** blob id of the content last read */
  sha: string;
  /** commit the content was last read at */
  commit: string;
  /** the last valid content, and the commit it was read at */
  resource?: GitOpsResource;
  validCommit?: string;
  /** set while the file does not validate */
  issues?: ValidationIssue[];
}

/** Outcome of one run, for logs, tests and the benchmark. */
export interface SyncResult {
  type: 'full' | 'delta' | 'none';
  head: string;
  added: number;
  removed: number;
  /** resource files that do not validate at the head */
  invalid: number;
  /**
   * where the run's time went (ms): reading (head, open changes, the snapshot or the diff),
   * building the entities, and handing them to the catalog (applyMutation; for a full
   * mutation that includes the catalog writing every entity's refresh state)
   */
  timings: { readMs: number; buildMs: number; applyMs: number; totalMs: number };
}

function sameList(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): boolean {
  return (a ?? []).join(',') === (b ?? []).join(',');
}

export class GitOpsEntityProvider implements EntityProvider {
  readonly #repository: GitOpsProviderRepository;
  readonly #logger: LoggerService;
  readonly #appBaseUrl: string;
  readonly #schedule?: SchedulerServiceTaskRunner;
  readonly #openChangesRefreshMs: number;
  readonly #now: () => number;
  readonly #runner: CoalescingRunner<SyncRequest>;
  readonly #kinds: ReadonlySet<KindName>;
  readonly #validated?: ValidatedResources;

  #connection?: EntityProviderConnection;
  /** last processed commit of the default branch; unset until the first full run */
  #lastCommit?: string;
  #files = new Map<string, FileRecord>();
  /** open change ids per resource path */
  #openChanges = new Map<string, string[]>();
  #openChangesReadAt?: number;
  /** the last completed run, for logs, tests and the benchmark */
  lastResult?: SyncResult;

  constructor(options: GitOpsEntityProviderOptions) {
    this.#repository = options.repository;
    this.#logger = options.logger.child({ provider: this.getProviderName() });
    this.#appBaseUrl = options.appBaseUrl.replace(/\/+$/, '');
    this.#schedule = options.schedule;
    this.#openChangesRefreshMs = options.openChangesRefreshMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#kinds = new Set(options.repository.kinds);
    this.#validated = options.validated;
    this.#runner = new CoalescingRunner<SyncRequest>({
      run: request => this.#run(request),
      merge: (a, b) => ({
        full: a.full || b.full,
        changes: a.changes || b.changes,
      }),
    });
  }

  /** the configured repository id */
  get repositoryId(): string {
    return this.#repository.id;
  }

  /** the repository's provider type (local, github, gitlab) */
  get providerType(): GitProvider['type'] {
    return this.#repository.provider.type;
  }

  getProviderName(): string {
    return `gitops-provider:${this.#repository.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#schedule?.run({
      id: `${this.getProviderName()}:poll`,
      fn: () => this.sync({ changes: this.#openChangesStale() }),
    });
  }

  /**
   * Brings the catalog up to the head of the default branch. Requests made while a run is going
   * are merged into the next run; resolves when a run covering this request has finished.
   */
  sync(request: SyncRequest = {}): Promise<void> {
    if (!this.#connection) {
      return Promise.reject(
        new Error(
          `${this.getProviderName()} is not connected to the catalog yet`,
        ),
      );
    }
    return this.#runner.request(request);
  }

  #openChangesStale(): boolean {
    return (
      this.#openChangesReadAt === undefined ||
      this.#now() - this.#openChangesReadAt >= this.#openChangesRefreshMs
    );
  }

  async #run(request: SyncRequest): Promise<void> {
    const started = performance.now();
    const { provider } = this.#repository;
    const head = await provider.head();
    const full = request.full || this.#lastCommit === undefined;
    const readChanges =
      full || request.changes || this.#openChangesReadAt === undefined;
    const openChanges = readChanges
      ? await this.#readOpenChanges()
      : this.#openChanges;
    const openChangesReadAt = readChanges
      ? this.#now()
      : this.#openChangesReadAt;

    let updates: Map<string, FileRecord | null> | undefined;
    if (!full) {
      try {
        updates =
          head === this.#lastCommit
            ? new Map()
            : await this.#readChanged(this.#lastCommit!, head);
      } catch (error) {
        // e.g. the last processed commit is gone after a force push: start over
        this.#logger.warn(
          `Cannot compare ${
            this.#lastCommit
          } with ${head}, reading the whole default branch: ${error}`,
        );
      }
    }
    const timings = {
      readMs: performance.now() - started,
      buildMs: 0,
      applyMs: 0,
      totalMs: 0,
    };
    // no updates: a first run, a full run asked for, or a delta that could not be computed
    const result = updates
      ? await this.#applyDelta(head, updates, openChanges, timings)
      : await this.#applyFull(head, openChanges, timings);
    timings.totalMs = performance.now() - started;
    this.#lastCommit = head;
    this.#openChangesReadAt = openChangesReadAt;
    this.lastResult = result;
    if (result.type !== 'none') {
      const ms = (n: number) => Math.round(n);
      this.#logger.info(
        `${result.type} sync of ${this.#repository.id} at ${head.slice(
          0,
          12,
        )}: ` +
          `${result.added} entities handed over, ${result.removed} removed, ` +
          `${result.invalid} invalid files (${ms(timings.totalMs)} ms: read ${ms(
            timings.readMs,
          )}, build ${ms(timings.buildMs)}, applyMutation ${ms(
            timings.applyMs,
          )})`,
        { syncType: result.type, entities: result.added, ...timings },
      );
    }
  }

  async #applyFull(
    head: string,
    openChanges: Map<string, string[]>,
    timings: SyncResult['timings'],
  ): Promise<SyncResult> {
    let at = performance.now();
    const files = await this.#readAll(head);
    timings.readMs += performance.now() - at;
    at = performance.now();
    const previousOpenChanges = this.#openChanges;
    this.#openChanges = openChanges;
    const entities = [...files].map(([path, record]) =>
      this.#deferred(path, record),
    );
    timings.buildMs = performance.now() - at;
    at = performance.now();
    try {
      await this.#connection!.applyMutation({ type: 'full', entities });
    } catch (error) {
      this.#openChanges = previousOpenChanges;
      throw error;
    }
    timings.applyMs = performance.now() - at;
    this.#files = files;
    return {
      type: 'full',
      head,
      added: entities.length,
      removed: 0,
      invalid: [...files.values()].filter(record => record.issues).length,
      timings,
    };
  }

  async #applyDelta(
    head: string,
    updates: Map<string, FileRecord | null>,
    openChanges: Map<string, string[]>,
    timings: SyncResult['timings'],
  ): Promise<SyncResult> {
    let at = performance.now();
    // entities whose list of open changes moved are handed over again with the new list
    for (const path of new Set([
      ...openChanges.keys(),
      ...this.#openChanges.keys(),
    ])) {
      const record = this.#files.get(path);
      if (
        record &&
        !updates.has(path) &&
        !sameList(openChanges.get(path), this.#openChanges.get(path))
      ) {
        updates.set(path, record);
      }
    }
    const previousOpenChanges = this.#openChanges;
    this.#openChanges = openChanges;
    const added: DeferredEntity[] = [];
    const removed: { entityRef: string; locationKey: string }[] = [];
    for (const [path, record] of updates) {
      if (record) {
        added.push(this.#deferred(path, record));
      } else {
        const ref = parseResourcePath(path, this.#repository.layout)!;
        removed.push({
          entityRef: stringifyEntityRef(ref),
          locationKey: this.#locationKey(),
        });
      }
    }
    timings.buildMs = performance.now() - at;
    at = performance.now();
    if (added.length || removed.length) {
      try {
        await this.#connection!.applyMutation({
          type: 'delta',
          added,
          removed,
        });
      } catch (error) {
        this.#openChanges = previousOpenChanges;
        throw error;
      }
    }
    timings.applyMs = performance.now() - at;
    for (const [path, record] of updates) {
      if (record) this.#files.set(path, record);
      else this.#files.delete(path);
    }
    return {
      type: added.length || removed.length ? 'delta' : 'none',
      head,
      added: added.length,
      removed: removed.length,
      invalid: [...updates.values()].filter(record => record?.issues).length,
      timings,
    };
  }

  /**
   * every resource file at `head`, from the repository's shared commit snapshot (each blob read
   * and validated once for the catalog, the resources API and the reconciler together)
   */
  async #readAll(head: string): Promise<Map<string, FileRecord>> {
    const snapshot = await snapshotReaderFor(this.#repository).at(head);
    const files = new Map<string, FileRecord>();
    for (const kind of this.#kinds) {
      for (const file of snapshot.ofKind(kind)) {
        const known = this.#files.get(file.path);
        files.set(
          file.path,
          known?.sha === file.blob ? known : this.#record(file, head, known),
        );
      }
    }
    return files;
  }

  /** the resource files that differ between two commits; null = deleted */
  async #readChanged(
    from: string,
    head: string,
  ): Promise<Map<string, FileRecord | null>> {
    const [changed, snapshot] = await Promise.all([
      this.#repository.provider.changedPaths(from, head),
      snapshotReaderFor(this.#repository).at(head),
    ]);
    const updates = new Map<string, FileRecord | null>();
    for (const { path } of changed) {
      if (!this.#resourceRef(path)) continue;
      const file = snapshot.get(path);
      updates.set(path, file ? this.#record(file, head, this.#files.get(path)) : null);
    }
    return updates;
  }

  /** the resource a path holds, when it is a resource path of one of the repository's kinds */
  #resourceRef(path: string): ResourceRef | undefined {
    const ref = parseResourcePath(path, this.#repository.layout);
    return ref && this.#kinds.has(ref.kind) ? ref : undefined;
  }

  #record(
    file: SnapshotFile,
    head: string,
    previous: FileRecord | undefined,
  ): FileRecord {
    const ref = file.ref!;
    if (file.resource) {
      return {
        ref,
        sha: file.blob,
        commit: head,
        resource: file.resource,
        validCommit: head,
      };
    }
    const kept = previous?.resource
      ? 'the catalog keeps its last valid version'
      : 'it is not in the catalog';
    this.#logger.warn(
      `${file.path} at ${head.slice(
        0,
        12,
      )} is not a valid resource; ${kept}:\n${formatIssues(file.issues)}`,
    );
    return {
      ref,
      sha: file.blob,
      commit: head,
      resource: previous?.resource,
      validCommit: previous?.validCommit,
      issues: file.issues,
    };
  }

  /** open change requests into the default branch, as change ids per resource path */
  async #readOpenChanges(): Promise<Map<string, string[]>> {
    const { provider, id } = this.#repository;
    const [changes, defaultBranch] = await Promise.all([
      provider.listChanges({ state: 'open' }),
      provider.defaultBranch(),
    ]);
    const byPath = new Map<string, string[]>();
    for (const change of [...changes].sort((a, b) => a.number - b.number)) {
      if (change.state !== 'open' || change.targetBranch !== defaultBranch)
        continue;
      for (const path of new Set(change.paths)) {
        if (!this.#resourceRef(path)) continue;
        const ids = byPath.get(path) ?? [];
        ids.push(formatChangeId(id, change.number));
        byPath.set(path, ids);
      }
    }
    return byPath;
  }

  #locationKey(): string {
    return this.getProviderName();
  }

  #source(path: string, ref: ResourceRef, commit: string): EntitySource {
    const { provider, id } = this.#repository;
    const viewUrl = provider.fileUrl?.(path, 'view');
    const editUrl = provider.fileUrl?.(path, 'edit');
    // the local provider has no web UI: its files are viewed (and changed, through change
    // requests) on the entity's GitOps tab in the portal itself
    const portalPage = `${this.#appBaseUrl}/catalog/${
      ref.namespace
    }/${ref.kind.toLowerCase()}/${ref.name}/gitops`;
    return {
      repository: id,
      path,
      commit,
      location: viewUrl ? `url:${viewUrl}` : `gitops:${id}/${path}`,
      viewUrl: viewUrl ?? portalPage,
      editUrl: editUrl ?? portalPage,
      openChanges: this.#openChanges.get(path),
    };
  }

  #deferred(path: string, record: FileRecord): DeferredEntity {
    if (!record.issues) {
      const entity = resourceToEntity(
        record.resource!,
        this.#source(path, record.ref, record.commit),
      );
      this.#validated?.add(ValidatedResources.resourceJson(entity));
      return { entity, locationKey: this.#locationKey() };
    }
    const entity = entityWithSourceError({
      lastValid: record.resource
        ? resourceToEntity(
            record.resource,
            this.#source(path, record.ref, record.validCommit!),
          )
        : undefined,
      ref: record.ref,
      source: this.#source(path, record.ref, record.commit),
      issues: record.issues,
    });
    return { entity, locationKey: this.#locationKey() };
  }
}
