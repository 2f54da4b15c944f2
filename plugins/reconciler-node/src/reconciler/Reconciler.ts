/*
 * Syncs the default branch of one repository to one target. Composes the parts (desiredState,
 * diff/sync, the store, the target) and nothing more; scheduling (a global-scope task, push
 * events, backoff) belongs to the backend plugin, which calls runOnce() and serves status().
 */
import { randomUUID } from 'crypto';
import os from 'os';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  KindName,
  RepoLayout,
  ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import type { GitProvider } from '@butler-portal/plugin-gitops-node';
import type {
  DesiredObject,
  HeldFieldDrift,
  ManagedChange,
  ManagedWatch,
  SyncTarget,
} from '../targets/types';
import { desiredState, type DesiredState } from './desiredState';
import type { RenderStep } from '../render/renderStep';
import type { ReconcilerStore } from './store/ReconcilerStore';
import {
  degradedCondition,
  driftCondition,
  emptySyncResult,
  sync,
} from './sync';
import { liveMatches } from './diff';
import {
  driftedRecord,
  failedRecord,
  ObjectRetryOptions,
  recordChanged,
  syncedRecord,
} from './records';
import {
  InventoryRecord,
  refKey,
  ResourceCondition,
  ResourceStatus,
  SyncResult,
  TargetState,
} from './types';

export interface ReconcilerOptions {
  provider: Pick<
    GitProvider,
    'head' | 'listTree' | 'readFile' | 'setCommitStatus'
  > &
    Partial<Pick<GitProvider, 'changedPaths'>>;
  target: SyncTarget;
  store: ReconcilerStore;
  logger?: LoggerService;
  layout?: RepoLayout;
  /** kinds synced to this target; default the `applied` kinds of KINDS */
  kinds?: readonly KindName[];
  /** what the target receives for a resource; default the manifest with the managed-by label */
  render?: RenderStep;
  /** see SyncOptions; default 10 */
  maxDeletionsPerSync?: number;
  /** see SyncOptions; default true */
  selfHeal?: boolean;
  /**
   * context of the commit status reported on each synced commit (default
   * `butler-portal/sync-<target>`); `false` reports none
   */
  commitStatusContext?: string | false;
  /**
   * How often a poll at an unchanged, synced commit still does a full sync (re-reads and
   * validates the tree, lists the target: finds drift). Between those, such a poll reads the
   * head and the stored state and stops. Default 5 minutes.
   */
  driftCheckIntervalMs?: number;
  /** who this replica is in the per-target lease; default host, pid and a random id */
  leaseHolder?: string;
  /** lease lifetime, renewed every third of it while a sync runs; default 60 s */
  leaseTtlMs?: number;
  /** backoff of an object whose apply failed (default 10 s doubling to 10 min) */
  objectRetry?: ObjectRetryOptions;
}

export const DEFAULT_DRIFT_CHECK_INTERVAL_MS = 5 * 60 * 1000;
/** self-heals of one object within this window count towards its backoff */
const HEAL_WINDOW_MS = 60_000;
/** heals within the window before the backoff starts */
const FREE_HEALS = 3;
const DEFAULT_LEASE_TTL_MS = 60 * 1000;
/** more changed objects than this and a sync reads the whole inventory (one query beats many) */
const MAX_SCOPED_CHANGES = 500;

/** What status() reports: the target's state and every object it owns. */
export interface ReconcilerStatus {
  target: string;
  /** commit of the last sync, undefined before the first */
  revision?: string;
  condition: ResourceCondition;
  lastError?: string;
  updatedAt?: string;
  resources: ResourceStatus[];
}

export class Reconciler {
  readonly #options: ReconcilerOptions;
  /**
   * Runs are serialised within the process; across replicas a lease in the store does it (the
   * scheduler's global scope alone is not enough: a run past the task timeout loses its claim
   * while it still applies, and the next replica starts).
   */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #holder: string;
  /**
   * the last failure posted as a commit status (`<commit> <message>`): a sync retried with
   * backoff while the target is down posts its error once, not on every attempt
   */
  #reportedFailure?: string;
  /** the desired state of the last commit synced or watched against, its objects by refKey */
  #desired?: { state: DesiredState; byKey: Map<string, DesiredObject> };
  /**
   * the commit this process last synced, and when its earliest failed object is due: a
   * Degraded or DriftDetected target at that commit needs no full sync before then
   */
  #settled?: { revision: string; nextRetryAt: number };
  /** changes seen by the watch, latest per object, waiting for the queue */
  readonly #pending = new Map<string, ManagedChange>();
  #drainQueued = false;
  #drainTimer?: NodeJS.Timeout;
  /**
   * times of the recent self-heals per object, and the changes held back meanwhile: something
   * that keeps changing a field Git sets (a controller fighting the portal) gets healed with a
   * growing delay instead of in a tight loop, as Argo CD backs off its self-heal
   */
  readonly #heals = new Map<string, number[]>();
  readonly #heldBack = new Map<string, NodeJS.Timeout>();

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.#holder =
      options.leaseHolder ?? `${os.hostname()}-${process.pid}-${randomUUID()}`;
  }

  /**
   * Syncs the head of the default branch. Idempotent: when nothing changed in Git or in the
   * target, it writes nothing to the target. At a commit already synced (and checked for drift
   * within the drift interval) it reads nothing but the head and the stored state, unless
   * `full` is set. Throws when the provider, the target or the store fails as a whole (after
   * recording the error), so the caller's scheduler can back off.
   */
  runOnce(options: { full?: boolean } = {}): Promise<SyncResult> {
    const run = this.#queue.then(() => this.#run(options.full ?? false));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Watches the target (when it can be watched) and compares each managed object as it
   * changes with the desired object of the last synced commit: someone else's change is
   * healed at once (self-heal: forced apply of the fields Git sets) or recorded as Drifted,
   * naming the fields and the managers that changed them; a change back to Git's values makes
   * it Synced again. Runs between syncs, never during one. The periodic drift check stays the
   * safety net for anything a watch misses. Returns undefined when the target cannot watch.
   */
  async watch(): Promise<ManagedWatch | undefined> {
    const { target, logger } = this.#options;
    if (!target.watchManaged) return undefined;
    const watch = await target.watchManaged(change => this.#onChange(change), {
      onError: error =>
        logger?.warn(
          `gitops sync of ${target.name}: watch of the target failed, trying again: ${error.message}`,
        ),
    });
    return {
      stop: async () => {
        await watch.stop();
        if (this.#drainTimer) clearTimeout(this.#drainTimer);
        this.#heldBack.forEach(clearTimeout);
        this.#heldBack.clear();
        this.#pending.clear();
      },
    };
  }

  #onChange(change: ManagedChange): void {
    this.#pending.set(refKey(change.ref), change);
    this.#queueDrain();
  }

  #queueDrain(): void {
    if (this.#drainQueued) return;
    this.#drainQueued = true;
    const drained = this.#queue.then(() => this.#drain());
    this.#queue = drained.catch(error =>
      this.#options.logger?.warn(
        `gitops sync of ${
          this.#options.target.name
        }: could not compare watched changes: ${error}`,
      ),
    );
  }

  async status(): Promise<ReconcilerStatus> {
    const { target, store } = this.#options;
    const [state, inventory] = await Promise.all([
      store.getTargetState(target.name),
      store.listInventory(target.name),
    ]);
    const resources: ResourceStatus[] = await Promise.all(
      inventory.map(async record => {
        if (!target.health) return record;
        try {
          return { ...record, health: await target.health(record.ref) };
        } catch (error) {
          return {
            ...record,
            health: { status: 'Unknown' as const, message: String(error) },
          };
        }
      }),
    );
    return {
      target: target.name,
      revision: state?.revision,
      condition: state?.condition ?? {
        type: 'Reconciling',
        reason: 'NotSyncedYet',
      },
      lastError: state?.lastError,
      updatedAt: state?.updatedAt,
      resources,
    };
  }

  /** a run that compares nothing: the stored state stands */
  #skipped(
    reason: NonNullable<SyncResult['skipped']>,
    revision: string,
    previous: TargetState | undefined,
  ): SyncResult {
    return {
      ...emptySyncResult(this.#options.target.name, revision),
      condition: previous?.condition ?? {
        type: 'Reconciling',
        reason: 'NotSyncedYet',
      },
      skipped: reason,
    };
  }

  #upToDate(
    state: TargetState | undefined,
    commit: string,
    now: number,
  ): boolean {
    const interval =
      this.#options.driftCheckIntervalMs ?? DEFAULT_DRIFT_CHECK_INTERVAL_MS;
    // a target with failed objects waiting for their backoff, or drift left alone, has
    // nothing to do before the next retry is due (this process synced it, so it knows when)
    const settled =
      state?.condition.type === 'Ready' ||
      (['Degraded', 'DriftDetected'].includes(state?.condition.reason ?? '') &&
        this.#settled?.revision === commit &&
        now < this.#settled.nextRetryAt);
    return (
      state?.revision === commit &&
      settled &&
      state.checkedAt !== undefined &&
      now - Date.parse(state.checkedAt) < interval
    );
  }

  async #run(full: boolean): Promise<SyncResult> {
    const { target, store, logger } = this.#options;
    let previous = await store.getTargetState(target.name);
    const commit = await this.#head(previous);
    if (!full && this.#upToDate(previous, commit, Date.now())) {
      return this.#skipped('Unchanged', commit, previous);
    }

    const ttl = this.#options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!(await store.acquireLease(target.name, this.#holder, ttl))) {
      logger?.info(
        `gitops sync of ${target.name}: another replica is syncing it; skipped`,
      );
      return this.#skipped('LeaseHeld', commit, previous);
    }
    const renewal = setInterval(() => {
      store.acquireLease(target.name, this.#holder, ttl).then(
        held => {
          if (!held) {
            logger?.error(
              `gitops sync of ${target.name}: lost the lease while syncing (the store was unreachable longer than ${ttl} ms)`,
            );
          }
        },
        error =>
          logger?.warn(
            `gitops sync of ${target.name}: could not renew the lease: ${error}`,
          ),
      );
    }, Math.max(1, Math.floor(ttl / 3)));
    try {
      // the replica that held the lease may just have synced this very commit
      previous = await store.getTargetState(target.name);
      if (!full && this.#upToDate(previous, commit, Date.now())) {
        return this.#skipped('Unchanged', commit, previous);
      }
      return await this.#sync(commit, previous, full);
    } finally {
      clearInterval(renewal);
      await store
        .releaseLease(target.name, this.#holder)
        .catch(error =>
          logger?.warn(
            `gitops sync of ${target.name}: could not release the lease (it expires in ${ttl} ms): ${error}`,
          ),
        );
    }
  }

  /** the head of the default branch; a failure to read it is recorded like a failed sync */
  async #head(previous: TargetState | undefined): Promise<string> {
    try {
      return await this.#options.provider.head();
    } catch (error) {
      await this.#recordFailure(previous, undefined, error);
      throw error;
    }
  }

  async #recordFailure(
    previous: TargetState | undefined,
    commit: string | undefined,
    error: unknown,
  ): Promise<void> {
    const { target, store, logger } = this.#options;
    const message = error instanceof Error ? error.message : String(error);
    // the revision stays the last completed one: the next run starts from there
    await store
      .setTargetState({
        target: target.name,
        revision: previous?.revision,
        condition: { type: 'Stalled', reason: 'SyncError', message },
        lastError: message,
      })
      .catch(storeError =>
        logger?.error(`gitops sync: could not record the error: ${storeError}`),
      );
    logger?.error(
      `gitops sync of ${target.name} at ${
        commit ?? 'unknown commit'
      } failed: ${message}`,
    );
  }

  async #sync(
    commit: string,
    previous: TargetState | undefined,
    full: boolean,
  ): Promise<SyncResult> {
    const { provider, target, store, logger } = this.#options;
    try {
      if (previous?.revision !== commit) {
        // Flux's Reconciling: while a new commit is on its way (a first sync of thousands of
        // objects takes a while), whoever looks sees that, not the old commit's Ready
        const progressing: ResourceCondition = {
          type: 'Reconciling',
          reason: 'Progressing',
          message: `syncing ${commit.slice(0, 12)}`,
        };
        await store.setTargetState({
          target: target.name,
          revision: previous?.revision,
          condition: progressing,
          lastError: previous?.lastError,
        });
        // a retry of a commit whose failure is posted leaves that failure standing
        if (!this.#reportedFailure?.startsWith(`${commit} `)) {
          await this.#reportCommitStatus(commit, progressing, 'pending');
        }
      }
      const desired = await desiredState(provider, commit, {
        layout: this.#options.layout,
        kinds: this.#options.kinds,
        render: this.#options.render,
        since: previous?.revision,
        previous: this.#desired?.state,
      });
      // the whole target is compared (read) when asked, at the first sync, and every drift
      // interval; in between a sync reads only what the commit changed (and what is not
      // Synced), so a one-file merge costs the same in a repository of 50 or 50,000 files
      const now = Date.now();
      const interval =
        this.#options.driftCheckIntervalMs ?? DEFAULT_DRIFT_CHECK_INTERVAL_MS;
      const compareAll =
        full ||
        !previous?.checkedAt ||
        now - Date.parse(previous.checkedAt) >= interval;
      const changedSince = compareAll
        ? undefined
        : this.#changedSince(previous, desired);
      const byKey = this.#keep(desired);
      const scope = changedSince && {
        refs: changedSince,
        objects: changedSince
          .map(ref => byKey.get(refKey(ref)))
          .filter((d): d is DesiredObject => d !== undefined),
      };
      const result = await sync(
        { target, store, desired, scope },
        {
          compare: compareAll ? 'all' : 'changed',
          maxDeletionsPerSync: this.#options.maxDeletionsPerSync,
          selfHeal: this.#options.selfHeal,
          objectRetry: this.#options.objectRetry,
          // a sync someone asked for tries failed objects now
          retryAll: full,
        },
      );
      this.#settled = {
        revision: commit,
        nextRetryAt: result.nextRetryAt
          ? Date.parse(result.nextRetryAt)
          : Infinity,
      };
      const changed =
        previous?.revision !== commit ||
        previous.condition.type !== result.condition.type ||
        previous.condition.reason !== result.condition.reason ||
        previous.condition.message !== result.condition.message;
      // only a sync that compared everything counts as a drift check
      const checkedAt = compareAll ? new Date().toISOString() : undefined;
      if (changed) {
        await store.setTargetState({
          target: target.name,
          revision: commit,
          condition: result.condition,
          lastError:
            result.condition.type === 'Ready'
              ? undefined
              : result.condition.message,
          checkedAt,
        });
        await this.#reportCommitStatus(commit, result.condition);
      } else if (checkedAt) {
        // updatedAt keeps saying when the state last changed; checkedAt lets the next polls skip
        await store.markChecked(target.name, checkedAt);
      }
      logger?.info(
        `gitops sync of ${target.name} at ${commit}: ${result.condition.type} (${result.condition.reason}); ` +
          `applied ${result.applied.length} (healed ${result.healed.length}), pruned ${result.pruned.length}, ` +
          `failed ${result.failed.length} (waiting to retry ${result.retrying.length}), drifted ${result.drifted.length}, ` +
          `withheld ${result.withheldPrunes.length}, invalid files ${result.invalidFiles.length}`,
      );
      return result;
    } catch (error) {
      await this.#recordFailure(previous, commit, error);
      // the person who merged must learn that their commit did not reach the target
      const message = error instanceof Error ? error.message : String(error);
      if (this.#reportedFailure !== `${commit} ${message}`) {
        await this.#reportCommitStatus(
          commit,
          { type: 'Stalled', reason: 'SyncError', message },
          'error',
        );
        this.#reportedFailure = `${commit} ${message}`;
      }
      throw error;
    }
  }

  /**
   * Compares the objects the watch saw change with Git, under the target's lease (a replica
   * syncing a newer commit must not be undone with the old one); when another replica holds
   * it, the changes wait and are tried again in a second.
   */
  async #drain(): Promise<void> {
    this.#drainQueued = false;
    if (this.#pending.size === 0) return;
    const { target, store, logger } = this.#options;
    const changes = [...this.#pending.values()];
    this.#pending.clear();
    const ttl = this.#options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!(await store.acquireLease(target.name, this.#holder, ttl))) {
      this.#retryLater(changes);
      return;
    }
    try {
      if (!(await this.#compareChanges(changes))) this.#retryLater(changes);
    } finally {
      await store
        .releaseLease(target.name, this.#holder)
        .catch(error =>
          logger?.warn(
            `gitops sync of ${target.name}: could not release the lease (it expires in ${ttl} ms): ${error}`,
          ),
        );
    }
  }

  /**
   * How long to wait before healing an object again: nothing for its first heals within a
   * minute, then 1 s, 2 s, 4 s, ... at most a minute.
   */
  #healBackoff(key: string, now: number): number {
    const recent = (this.#heals.get(key) ?? []).filter(
      at => now - at < HEAL_WINDOW_MS,
    );
    if (recent.length > 0) this.#heals.set(key, recent);
    else this.#heals.delete(key);
    if (recent.length < FREE_HEALS) return 0;
    const wait = Math.min(
      1000 * 2 ** (recent.length - FREE_HEALS),
      HEAL_WINDOW_MS,
    );
    // counted from the last heal
    return Math.max(0, recent[recent.length - 1] + wait - now);
  }

  /** compares a change again after `ms`, unless a newer change of the object comes first */
  #holdBack(change: ManagedChange, ms: number): void {
    const key = refKey(change.ref);
    const previous = this.#heldBack.get(key);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      this.#heldBack.delete(key);
      if (!this.#pending.has(key)) this.#onChange(change);
    }, ms);
    timer.unref?.();
    this.#heldBack.set(key, timer);
  }

  /** puts changes back (unless newer ones came) and drains again in a second */
  #retryLater(changes: ManagedChange[]): void {
    for (const change of changes) {
      const key = refKey(change.ref);
      if (!this.#pending.has(key)) this.#pending.set(key, change);
    }
    if (!this.#drainTimer) {
      this.#drainTimer = setTimeout(() => {
        this.#drainTimer = undefined;
        this.#queueDrain();
      }, 1000);
      this.#drainTimer.unref?.();
    }
  }

  /** false when the changes cannot be compared yet (a commit is being applied elsewhere) */
  async #compareChanges(changes: ManagedChange[]): Promise<boolean> {
    const { target, store, logger } = this.#options;
    const state = await store.getTargetState(target.name);
    const revision = state?.revision;
    // before the first sync, the first sync compares everything
    if (!state || !revision) return true;
    // a commit on its way (another replica applying it, or one that died doing so): the
    // objects may be halfway between two commits; compare once it is done
    if (state.condition.reason === 'Progressing') return false;
    const desired = await this.#desiredAt(revision);
    const inventory = await store.listInventory(target.name);
    const recordByKey = new Map(inventory.map(r => [refKey(r.ref), r]));
    const selfHeal = this.#options.selfHeal ?? true;
    const updates: InventoryRecord[] = [];
    const heal: Array<{
      d: DesiredObject;
      record: InventoryRecord;
      fields: HeldFieldDrift[];
      missing: boolean;
    }> = [];
    for (const { ref, held } of changes) {
      const key = refKey(ref);
      const record = recordByKey.get(key);
      const d = desired.get(key);
      // not ours, leaving Git, failed or not yet applied at this commit: the sync is in charge
      if (!record || !d || record.hash !== d.hash) continue;
      if (record.status === 'Failed' || record.status === 'OutOfSync') continue;
      if (held && liveMatches(held, d)) {
        // back to what Git says (someone undid their change)
        if (record.status === 'Drifted') {
          updates.push(syncedRecord(d, record.revision ?? revision));
        }
        continue;
      }
      const fields =
        held && target.describeDrift ? target.describeDrift(d, held) : [];
      // only the portal's own applies changed it: a newer commit, not someone else's change
      if (fields.length > 0 && fields.every(f => f.ownManager)) continue;
      if (selfHeal) {
        const wait = this.#healBackoff(key, Date.now());
        if (wait > 0) {
          // shown as the drift it is until the next heal
          this.#holdBack({ ref, held }, wait);
          const next = driftedRecord(record, fields, !held);
          next.condition.message = `${
            next.condition.message
          }; changed again soon after being healed, healed again in ${Math.ceil(
            wait / 1000,
          )} s`;
          updates.push(next);
          continue;
        }
        heal.push({ d, record, fields, missing: !held });
      } else {
        const next = driftedRecord(record, fields, !held);
        if (recordChanged(record, next)) updates.push(next);
      }
    }
    if (heal.length > 0) {
      const results = await target.apply(
        heal.map(h => h.d),
        { force: true, reportOutcome: false },
      );
      heal.forEach(({ d, record, fields, missing }, i) => {
        const outcome = results[i];
        if (outcome?.ok) {
          const key = refKey(d.ref);
          this.#heals.set(key, [...(this.#heals.get(key) ?? []), Date.now()]);
          updates.push(
            syncedRecord(d, record.revision ?? revision, {
              fields,
              missing,
            }),
          );
          logger?.info(
            `gitops sync of ${target.name}: ${refKey(d.ref)} ${
              missing ? 're-created' : 'restored'
            } (self-heal)`,
          );
        } else {
          const error = outcome?.error ?? 'the target returned no result';
          updates.push(
            failedRecord(d, record, error, {
              permanent: !!(outcome && !outcome.ok && outcome.permanent),
              now: Date.now(),
              retry: this.#options.objectRetry,
            }),
          );
        }
      });
    }
    if (updates.length === 0) return true;
    await store.upsertInventory(target.name, updates);
    for (const u of updates) recordByKey.set(refKey(u.ref), u);
    await this.#refreshCondition(
      state,
      [...recordByKey.values()],
      desired.size,
    );
    return true;
  }

  /**
   * After the watch changed records: the target's summary follows (drift counted, failures
   * named), unless something else holds it (withheld deletions, invalid files, a sync error).
   */
  async #refreshCondition(
    state: TargetState,
    records: InventoryRecord[],
    total: number,
  ): Promise<void> {
    if (
      state.condition.type !== 'Ready' &&
      !['Degraded', 'DriftDetected'].includes(state.condition.reason)
    ) {
      return;
    }
    const failed = records.filter(r => r.status === 'Failed');
    const drifted = records.filter(r => r.status === 'Drifted');
    let condition: ResourceCondition;
    if (failed.length > 0) {
      condition = degradedCondition(
        failed.map(r => ({
          ref: r.ref,
          error: r.lastError ?? r.condition.message ?? 'failed',
          permanent: r.condition.type === 'Stalled',
        })),
        Math.max(total, failed.length),
      );
    } else if (drifted.length > 0) {
      condition = driftCondition(
        drifted.length,
        Math.max(total, drifted.length),
        this.#options.selfHeal ?? true,
      );
    } else {
      condition = {
        type: 'Ready',
        reason: 'Synced',
        message: `synced to ${state.revision}`,
      };
    }
    if (
      condition.type === state.condition.type &&
      condition.reason === state.condition.reason &&
      condition.message === state.condition.message
    ) {
      return;
    }
    await this.#options.store.setTargetState({
      target: state.target,
      revision: state.revision,
      condition,
      lastError: condition.type === 'Ready' ? undefined : condition.message,
    });
    const settled = this.#settled;
    if (settled && settled.revision === state.revision) {
      const retries = failed
        .map(r => (r.retry ? Date.parse(r.retry.at) : Infinity))
        .sort((a, b) => a - b);
      settled.nextRetryAt = retries[0] ?? Infinity;
    }
  }

  /**
   * The objects whose desired state differs from the last synced commit's (added, changed or
   * gone), when the sync may look at those alone: the last sync left the target Ready (so every
   * other record is Synced at the hash Git still has), its desired state is kept here, this
   * commit has no invalid file and the change is small. Undefined otherwise: the sync then reads
   * the whole inventory.
   */
  #changedSince(
    previous: TargetState | undefined,
    desired: DesiredState,
  ): ResourceRef[] | undefined {
    const before = this.#desired;
    if (
      !previous?.revision ||
      before?.state.revision !== previous.revision ||
      previous.condition.type !== 'Ready' ||
      previous.condition.reason !== 'Synced' ||
      desired.invalidFiles.length > 0
    ) {
      return undefined;
    }
    if (desired === before.state) return [];
    let changed: ResourceRef[];
    if (desired.delta?.since === before.state.revision) {
      // the desired state says what it changed: no pass over every object
      changed = [
        ...desired.delta.changed.map(d => d.ref),
        ...desired.delta.removed,
      ];
    } else {
      changed = [];
      const now = new Set<string>();
      for (const d of desired.objects) {
        const key = refKey(d.ref);
        now.add(key);
        if (before.byKey.get(key)?.hash !== d.hash) changed.push(d.ref);
      }
      for (const [key, d] of before.byKey)
        if (!now.has(key)) changed.push(d.ref);
    }
    return changed.length > MAX_SCOPED_CHANGES ? undefined : changed;
  }

  /**
   * Keeps `desired` as the state of its commit, with its objects by key: patched from the kept
   * one when it says what changed since, built afresh otherwise.
   */
  #keep(desired: DesiredState): Map<string, DesiredObject> {
    const before = this.#desired;
    if (before?.state === desired) return before.byKey;
    let byKey: Map<string, DesiredObject>;
    if (before && desired.delta?.since === before.state.revision) {
      // nothing else holds the kept map: the queue runs one sync or comparison at a time
      byKey = before.byKey;
      for (const ref of desired.delta.removed) byKey.delete(refKey(ref));
      for (const d of desired.delta.changed) byKey.set(refKey(d.ref), d);
    } else {
      byKey = new Map(desired.objects.map(d => [refKey(d.ref), d]));
    }
    this.#desired = { state: desired, byKey };
    return byKey;
  }

  /** The desired objects at a commit, kept for the commit last used. */
  async #desiredAt(revision: string): Promise<Map<string, DesiredObject>> {
    if (this.#desired?.state.revision !== revision) {
      const state = await desiredState(this.#options.provider, revision, {
        layout: this.#options.layout,
        kinds: this.#options.kinds,
        render: this.#options.render,
        since: this.#desired?.state.revision,
        previous: this.#desired?.state,
      });
      return this.#keep(state);
    }
    return this.#desired.byKey;
  }

  /** `state` defaults to success when Ready, failure otherwise */
  async #reportCommitStatus(
    commit: string,
    condition: ResourceCondition,
    state?: 'error' | 'pending',
  ): Promise<void> {
    const context =
      this.#options.commitStatusContext ??
      `butler-portal/sync-${this.#options.target.name}`;
    if (context === false) return;
    if (!state) this.#reportedFailure = undefined;
    try {
      await this.#options.provider.setCommitStatus(commit, {
        context,
        state: state ?? (condition.type === 'Ready' ? 'success' : 'failure'),
        description: `${condition.reason}${
          condition.message ? `: ${condition.message}` : ''
        }`.slice(0, 140),
      });
    } catch (error) {
      // a sync that worked stays a sync that worked; the status is a courtesy
      this.#options.logger?.warn(
        `gitops sync: could not report the commit status of ${commit}: ${error}`,
      );
    }
  }
}
