/*
 * One reconciler per (repository, sync target). Polling is a global-scope scheduled task (one
 * replica at a time on PostgreSQL). A push to the default branch, or POST /sync, runs the
 * reconciler at once in this process rather than through scheduler.triggerTask: a triggered
 * global task only starts when the scheduler next checks its table (every 5 s), too slow for
 * "merged → applied within 2 s". The reconciler's own lease keeps replicas from syncing a target
 * together either way. A run that throws backs off exponentially: further polls are skipped
 * until the backoff has elapsed, but a new push is always tried. Each target that can be watched
 * (the Kubernetes target) is also watched from the start: drift is seen, and healed or reported,
 * within seconds of someone else's change, not at the next drift check.
 */
import type {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import { findKind } from '@butler-portal/plugin-gitops-common';
import {
  DirectoryTarget,
  KubernetesTarget,
  Reconciler,
  type ManagedWatch,
  type ReconcilerStatus,
  type ReconcilerStore,
  type SyncResult,
  type SyncTarget,
} from '@butler-portal/plugin-reconciler-node';
import {
  type ChangeRepository,
  type GitEvent,
} from '@butler-portal/plugin-gitops-node';
import { GITOPS_EVENTS_TOPIC } from '../events/gitEvents';
import type { RepositorySyncConfig, SyncTargetConfig } from './readSyncConfig';
import { createVectorSyncTarget, vectorDelivery } from './vectorTargets';

/** Longest wait after repeated failures. */
export const MAX_BACKOFF_MS = 5 * 60 * 1000;
const FIRST_BACKOFF_MS = 1000;
/** pushes arriving while a run is under way make it run again, this many times at most */
const MAX_ROUNDS_PER_RUN = 3;
/** How often the resume after start asks again for a lease someone else holds. */
const RESUME_RETRY_MS = 5_000;
/** The reconciler's default lease lifetime (ReconcilerOptions.leaseTtlMs). */
const DEFAULT_LEASE_TTL_MS = 60_000;

/** What GET /sync reports per (repository, target). */
export interface SyncStatusItem extends Omit<ReconcilerStatus, 'target'> {
  repository: string;
  target: string;
  /** consecutive failed runs; the next poll waits until `retryAt` */
  consecutiveFailures: number;
  retryAt?: string;
}

interface SyncTask {
  id: string;
  repository: string;
  target: string;
  provider: ChangeRepository['provider'];
  reconciler: Reconciler;
  failures: number;
  retryAt: number;
  /** a push arrived since the last run: try even while backing off */
  pushed: boolean;
  /** someone asked for a sync (POST /sync/:repository): compare everything, even at an unchanged commit */
  full: boolean;
  /** the watch of the target, while it runs */
  watch?: ManagedWatch;
}

/** backoff after `failures` consecutive failed runs: 1 s, 2 s, 4 s, ... at most 5 min */
export function backoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(FIRST_BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS);
}

export class SyncTasks {
  #stopped = false;
  readonly #tasks: SyncTask[];
  readonly #scheduler: SchedulerService;
  readonly #logger: LoggerService;

  private constructor(
    tasks: SyncTask[],
    scheduler: SchedulerService,
    logger: LoggerService,
  ) {
    this.#tasks = tasks;
    this.#scheduler = scheduler;
    this.#logger = logger;
  }

  /**
   * Creates the reconcilers, schedules their tasks and subscribes to push events.
   *
   * @param options.createTarget - builds a target from its config (tests may replace it)
   */
  static async start(options: {
    config: RepositorySyncConfig[];
    repositories: ChangeRepository[];
    store: ReconcilerStore;
    scheduler: SchedulerService;
    events: EventsService;
    logger: LoggerService;
    /** stops the targets' watches on shutdown */
    lifecycle?: LifecycleService;
    createTarget?: (config: SyncTargetConfig, storeName: string) => SyncTarget;
    /** watch the targets that can be watched (default true) */
    watch?: boolean;
    /**
     * sync every target once right after start, retrying while another (possibly dead) holder's
     * lease runs out (default true): after a crash the global scheduled task can stay claimed by
     * the dead worker until its timeout, and nothing else would resume the sync
     */
    resumeOnStart?: boolean;
    /** the reconciler lease's lifetime (default the reconciler's, 60 s) */
    leaseTtlMs?: number;
  }): Promise<SyncTasks> {
    const createTarget = options.createTarget ?? createSyncTarget;
    const tasks: SyncTask[] = [];
    for (const sync of options.config) {
      const repository = options.repositories.find(
        r => r.id === sync.repository,
      );
      if (!repository) continue; // readGitopsConfig has the same list; never happens
      const kinds = repository.kinds.filter(k => findKind(k)?.applied);
      for (const targetConfig of sync.targets) {
        // the store keys state by target name, shared by every repository: prefix it
        const target = createTarget(
          targetConfig,
          `${repository.id}-${targetConfig.name}`,
        );
        tasks.push({
          id: `gitops-sync-${repository.id}-${targetConfig.name}`,
          repository: repository.id,
          target: targetConfig.name,
          provider: repository.provider,
          reconciler: new Reconciler({
            provider: repository.provider,
            target,
            store: options.store,
            logger: options.logger.child({
              repository: repository.id,
              target: targetConfig.name,
            }),
            layout: repository.layout,
            kinds,
            // Vector targets: the repository's Pipelines, rendered for Vector
            ...vectorDelivery(targetConfig, repository.kinds, repository.layout),
            maxDeletionsPerSync: sync.maxDeletionsPerSync,
            selfHeal: sync.selfHeal,
            driftCheckIntervalMs: sync.driftIntervalMs,
            leaseTtlMs: options.leaseTtlMs,
            commitStatusContext: syncStatusContext(
              targetConfig.name,
              sync.targets.length,
            ),
          }),
          failures: 0,
          retryAt: 0,
          pushed: false,
          full: false,
        });
      }
    }
    const syncTasks = new SyncTasks(tasks, options.scheduler, options.logger);
    for (const task of tasks) {
      const frequency = options.config.find(
        c => c.repository === task.repository,
      )?.pollInterval ?? { seconds: 30 };
      await options.scheduler.scheduleTask({
        id: task.id,
        frequency,
        timeout: { minutes: 10 },
        scope: 'global',
        fn: async () => {
          await syncTasks.#run(task);
        },
      });
    }
    if (options.watch ?? true) {
      for (const task of tasks) {
        try {
          task.watch = await task.reconciler.watch();
        } catch (error) {
          // the polls and drift checks still run; only the quick drift detection is missing
          options.logger.warn(
            `gitops sync: cannot watch target ${task.target} of ${task.repository}: ${error}`,
          );
        }
      }
      options.lifecycle?.addShutdownHook(() => syncTasks.stop());
    }
    if (options.resumeOnStart ?? true) {
      const ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
      for (const task of tasks) {
        syncTasks.#resume(task, ttl).catch(error =>
          options.logger.warn(`gitops sync: resuming ${task.id} failed: ${error}`),
        );
      }
      options.lifecycle?.addShutdownHook(() => {
        syncTasks.#stopped = true;
      });
    }
    if (tasks.length > 0) {
      await options.events.subscribe({
        id: 'gitops-sync',
        topics: [GITOPS_EVENTS_TOPIC],
        // not awaited: whoever published (a merge, a webhook) need not wait for the sync
        onEvent: async params => {
          syncTasks
            .onGitEvent(params.eventPayload as GitEvent)
            .catch(error =>
              options.logger.warn(
                `gitops sync: push event not handled: ${error}`,
              ),
            );
        },
      });
    }
    return syncTasks;
  }

  /**
   * A push to the default branch of a synced repository syncs its targets now; resolves when
   * those runs are done (the event subscription does not wait for it).
   */
  async onGitEvent(event: GitEvent): Promise<void> {
    if (event?.type !== 'push') return;
    const tasks = this.#tasks.filter(t => t.repository === event.repository);
    if (tasks.length === 0) return;
    // other branches (change branches) do not change what is synced
    if (event.branch !== (await tasks[0].provider.defaultBranch())) return;
    await Promise.all(
      tasks.map(task => {
        task.pushed = true;
        return this.#runNow(task);
      }),
    );
  }

  /**
   * Starts the runs of one repository's targets now (POST /sync/:repository) and returns their
   * names; `done` resolves when the runs are over.
   */
  trigger(repository: string): { targets: string[]; done: Promise<void> } {
    const tasks = this.#tasks.filter(t => t.repository === repository);
    if (tasks.length === 0) {
      throw new NotFoundError(
        `repository '${repository}' has no sync targets (gitops.repositories[].sync.targets)`,
      );
    }
    const done = Promise.all(
      tasks.map(task => {
        task.pushed = true;
        task.full = true;
        return this.#runNow(task);
      }),
    ).then(() => undefined);
    return { targets: tasks.map(t => t.target), done };
  }

  /**
   * The first run after start, in this process: a sync a crash cut short (its lease still held by
   * the dead process, its scheduled task still claimed) is taken up again as soon as the lease
   * expires, within its lifetime, with no manual step.
   */
  async #resume(task: SyncTask, leaseTtlMs: number): Promise<void> {
    const deadline = Date.now() + 2 * leaseTtlMs;
    const retryMs = Math.max(50, Math.min(RESUME_RETRY_MS, leaseTtlMs / 4));
    while (!this.#stopped) {
      task.pushed = true;
      task.full = true;
      if ((await this.#run(task)) !== 'LeaseHeld' || Date.now() > deadline) return;
      await new Promise(resolve => setTimeout(resolve, retryMs).unref?.());
    }
  }

  /** Stops the targets' watches (the scheduled polls stop with the scheduler). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(
      this.#tasks.map(async task => {
        const watch = task.watch;
        task.watch = undefined;
        await watch?.stop();
      }),
    );
  }

  async status(): Promise<SyncStatusItem[]> {
    return Promise.all(
      this.#tasks.map(async task => {
        const status = await task.reconciler.status();
        return {
          ...status,
          repository: task.repository,
          target: task.target,
          consecutiveFailures: task.failures,
          ...(task.failures > 0 && {
            retryAt: new Date(task.retryAt).toISOString(),
          }),
        };
      }),
    );
  }

  /**
   * A run outside the schedule. When another replica holds the target's lease it may be syncing
   * an older commit: the scheduled task is triggered so that a later run picks the new one up.
   */
  async #runNow(task: SyncTask): Promise<void> {
    if ((await this.#run(task)) === 'LeaseHeld') {
      try {
        await this.#scheduler.triggerTask(task.id);
      } catch (error) {
        // a ConflictError means the task is running now: that run reads the new head
        this.#logger.debug(`gitops sync: trigger of ${task.id}: ${error}`);
      }
    }
  }

  /** one run (polled or pushed); never throws; says why the last round compared nothing */
  async #run(task: SyncTask): Promise<SyncResult['skipped']> {
    if (!task.pushed && Date.now() < task.retryAt) return undefined;
    // the reconciler runs one sync at a time: a push during a run goes round again after it
    let skipped: SyncResult['skipped'];
    for (let round = 0; round < MAX_ROUNDS_PER_RUN; round++) {
      task.pushed = false;
      const full = task.full;
      task.full = false;
      try {
        skipped = (await task.reconciler.runOnce({ full })).skipped;
        task.failures = 0;
        task.retryAt = 0;
      } catch (error) {
        // the reconciler has logged and recorded the error; here only the pace changes
        task.failures += 1;
        task.retryAt = Date.now() + backoffMs(task.failures);
        return undefined;
      }
      if (!task.pushed) return skipped;
    }
    return skipped;
  }
}

/** The target a config entry describes; `storeName` keys its state in the reconciler store. */
export function createSyncTarget(
  config: SyncTargetConfig,
  storeName: string,
): SyncTarget {
  const vector = createVectorSyncTarget(config, storeName);
  if (vector) return vector;
  if (config.type === 'directory') {
    return new DirectoryTarget({ root: config.root, name: storeName });
  }
  if (config.type !== 'kubernetes') {
    throw new Error(`unknown sync target type ${config.type}`);
  }
  const { type: _type, name: _name, ...source } = config;
  return KubernetesTarget.fromConfig({ ...source, name: storeName });
}

/**
 * The commit status the sync posts on the merged commit: `butler-portal/sync` for a
 * repository's only target (what branch protection and people look for), one per target
 * (`butler-portal/sync/<target>`) when a repository syncs to several.
 */
export function syncStatusContext(target: string, targetCount: number): string {
  return targetCount === 1
    ? 'butler-portal/sync'
    : `butler-portal/sync/${target}`;
}
