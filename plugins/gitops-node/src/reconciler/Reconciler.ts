/*
 * Syncs the default branch of one repository to one target. Composes the parts (desiredState,
 * diff/sync, the store, the target) and nothing more; scheduling (a global-scope task, push
 * events, backoff) belongs to the backend plugin, which calls runOnce() and serves status().
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KindName, RepoLayout } from '@butler-portal/plugin-gitops-common';
import type { GitProvider } from '../provider/types';
import type { SyncTarget } from '../targets/types';
import { desiredState } from './desiredState';
import type { ReconcilerStore } from './store/ReconcilerStore';
import { sync } from './sync';
import type { ResourceCondition, ResourceStatus, SyncResult } from './types';

export interface ReconcilerOptions {
  provider: Pick<
    GitProvider,
    'head' | 'listTree' | 'readFile' | 'setCommitStatus'
  >;
  target: SyncTarget;
  store: ReconcilerStore;
  logger?: LoggerService;
  layout?: RepoLayout;
  /** kinds synced to this target; default the `applied` kinds of KINDS */
  kinds?: readonly KindName[];
  /** see SyncOptions; default 10 */
  maxDeletionsPerSync?: number;
  /** see SyncOptions; default true */
  selfHeal?: boolean;
  /**
   * context of the commit status reported on each synced commit (default
   * `butler-portal/sync-<target>`); `false` reports none
   */
  commitStatusContext?: string | false;
}

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
  /** runs are serialised within the process; across replicas the scheduler's global scope does it */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ReconcilerOptions) {
    this.#options = options;
  }

  /**
   * Syncs the head of the default branch. Idempotent: when nothing changed in Git or in the
   * target, it writes nothing to the target. Throws when the provider, the target or the store
   * fails as a whole (after recording the error), so the caller's scheduler can back off.
   */
  runOnce(): Promise<SyncResult> {
    const run = this.#queue.then(() => this.#run());
    this.#queue = run.catch(() => undefined);
    return run;
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

  async #run(): Promise<SyncResult> {
    const { provider, target, store, logger } = this.#options;
    const previous = await store.getTargetState(target.name);
    let commit: string | undefined;
    try {
      commit = await provider.head();
      const desired = await desiredState(provider, commit, {
        layout: this.#options.layout,
        kinds: this.#options.kinds,
      });
      const result = await sync(
        { target, store, desired },
        {
          maxDeletionsPerSync: this.#options.maxDeletionsPerSync,
          selfHeal: this.#options.selfHeal,
        },
      );
      const changed =
        previous?.revision !== commit ||
        previous.condition.type !== result.condition.type ||
        previous.condition.reason !== result.condition.reason ||
        previous.condition.message !== result.condition.message;
      if (changed) {
        await store.setTargetState({
          target: target.name,
          revision: commit,
          condition: result.condition,
          lastError:
            result.condition.type === 'Ready'
              ? undefined
              : result.condition.message,
        });
        await this.#reportCommitStatus(commit, result.condition);
      }
      logger?.info(
        `gitops sync of ${target.name} at ${commit}: ${result.condition.type} (${result.condition.reason}); ` +
          `applied ${result.applied.length}, pruned ${result.pruned.length}, failed ${result.failed.length}, ` +
          `withheld ${result.withheldPrunes.length}, invalid files ${result.invalidFiles.length}`,
      );
      return result;
    } catch (error) {
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
          logger?.error(
            `gitops sync: could not record the error: ${storeError}`,
          ),
        );
      logger?.error(
        `gitops sync of ${target.name} at ${
          commit ?? 'unknown commit'
        } failed: ${message}`,
      );
      throw error;
    }
  }

  async #reportCommitStatus(
    commit: string,
    condition: ResourceCondition,
  ): Promise<void> {
    const context =
      this.#options.commitStatusContext ??
      `butler-portal/sync-${this.#options.target.name}`;
    if (context === false) return;
    try {
      await this.#options.provider.setCommitStatus(commit, {
        context,
        state: condition.type === 'Ready' ? 'success' : 'failure',
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
