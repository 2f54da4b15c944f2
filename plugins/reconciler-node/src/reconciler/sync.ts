/*
 * One sync of one target: diff, apply, prune, record. The safety rules live here:
 *  - a commit with any invalid file deletes nothing (a broken file must not read as "gone");
 *  - more deletions than `maxDeletionsPerSync` delete nothing (a bad merge or a wrong layout root
 *    must not wipe a cluster) and the target is Stalled until someone looks;
 *  - only objects in the inventory are pruned, and the target itself refuses unlabelled ones;
 *  - the inventory is written before the target (write-ahead), so an object applied by a sync
 *    that then dies is still known, and pruned if it leaves Git.
 */
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import type { DesiredObject, SyncTarget } from '../targets/types';
import type { DesiredState } from './desiredState';
import { diff } from './diff';
import type { ReconcilerStore } from './store/ReconcilerStore';
import {
  InvalidFile,
  InventoryRecord,
  ResourceCondition,
  SyncResult,
  refKey,
} from './types';

/** Default of {@link SyncOptions.maxDeletionsPerSync}. */
export const DEFAULT_MAX_DELETIONS_PER_SYNC = 10;

export interface SyncOptions {
  /** more deletions than this in one sync prune nothing and stall the target (default 10) */
  maxDeletionsPerSync?: number;
  /** re-apply objects changed or removed in the target by someone else (default true) */
  selfHeal?: boolean;
}

export interface SyncInput {
  target: SyncTarget;
  store: ReconcilerStore;
  desired: DesiredState;
}

const MAX_MESSAGE = 4000;

/** A run's result before it has done anything: every list empty, Ready/Synced. */
export function emptySyncResult(target: string, revision: string): SyncResult {
  return {
    target,
    revision,
    applied: [],
    adopted: [],
    pruned: [],
    unchanged: [],
    failed: [],
    withheldPrunes: [],
    invalidFiles: [],
    condition: { type: 'Ready', reason: 'Synced' },
  };
}

export async function sync(
  input: SyncInput,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const { target, store, desired } = input;
  const maxDeletions =
    options.maxDeletionsPerSync ?? DEFAULT_MAX_DELETIONS_PER_SYNC;
  const revision = desired.revision;

  const inventory = await store.listInventory(target.name);
  const live = await target.listManaged();
  const plan = diff(desired.objects, inventory, live, {
    selfHeal: options.selfHeal,
  });
  const recordByKey = new Map(inventory.map(r => [refKey(r.ref), r]));
  const result: SyncResult = {
    ...emptySyncResult(target.name, revision),
    invalidFiles: desired.invalidFiles,
  };
  const synced = (d: DesiredObject, reason: string): InventoryRecord => ({
    ref: d.ref,
    hash: d.hash,
    revision,
    status: 'Synced',
    condition: { type: 'Ready', reason },
  });

  // write-ahead: the store knows every object before the target gets it
  await store.upsertInventory(
    target.name,
    plan.toApply.map(({ desired: d, reason }) => {
      const previous = recordByKey.get(refKey(d.ref));
      return {
        ref: d.ref,
        hash: previous?.hash,
        revision: previous?.revision,
        status:
          reason === 'Drifted' || reason === 'Missing'
            ? 'Drifted'
            : 'OutOfSync',
        condition: {
          type: 'Reconciling',
          reason: 'Progressing',
          message: `${reason} at ${revision}`,
        },
      };
    }),
  );

  const updates: InventoryRecord[] = [];
  if (plan.toApply.length > 0) {
    const results = await target.apply(plan.toApply.map(a => a.desired));
    plan.toApply.forEach(({ desired: d }, i) => {
      const outcome = results[i];
      if (outcome?.ok) {
        result.applied.push(d.ref);
        updates.push(synced(d, 'Applied'));
        return;
      }
      const error = outcome
        ? outcome.error
        : 'the target returned no result for this object';
      const previous = recordByKey.get(refKey(d.ref));
      result.failed.push({ ref: d.ref, error });
      updates.push({
        ref: d.ref,
        hash: previous?.hash,
        revision: previous?.revision,
        status: 'Failed',
        condition: { type: 'Stalled', reason: 'ApplyFailed', message: error },
        lastError: error,
      });
    });
  }
  for (const d of plan.toAdopt) {
    result.adopted.push(d.ref);
    updates.push(synced(d, 'Applied'));
  }
  for (const d of plan.unchanged) {
    result.unchanged.push(d.ref);
    const previous = recordByKey.get(refKey(d.ref));
    // only touch the store when the record says something else: a no-op sync writes nothing
    if (previous?.status !== 'Synced' || previous.condition.type !== 'Ready') {
      updates.push(synced(d, 'Applied'));
    }
  }
  for (const { desired: d, reason } of plan.drifted) {
    const previous = recordByKey.get(refKey(d.ref))!;
    updates.push({
      ...previous,
      status: 'Drifted',
      condition: {
        type: 'Stalled',
        reason: 'DriftDetected',
        message:
          reason === 'Missing'
            ? 'removed from the target'
            : 'changed in the target',
      },
    });
  }

  // pruning
  const invalidByKey = new Map(
    desired.invalidFiles.filter(f => f.ref).map(f => [refKey(f.ref!), f]),
  );
  let withheld: ResourceCondition | undefined;
  if (plan.toPrune.length > 0 && desired.invalidFiles.length > 0) {
    withheld = {
      type: 'Stalled',
      reason: 'ValidationFailed',
      message: `nothing is deleted while ${describeInvalidFiles(
        desired.invalidFiles,
      )}`,
    };
  } else if (plan.toPrune.length > maxDeletions) {
    withheld = {
      type: 'Stalled',
      reason: 'PruneGuard',
      message: `${plan.toPrune.length} objects left Git at ${revision}, more than the ${maxDeletions} one sync may delete; nothing was deleted`,
    };
  }
  if (withheld) {
    for (const ref of plan.toPrune) {
      result.withheldPrunes.push(ref);
      const previous = recordByKey.get(refKey(ref))!;
      const invalid = invalidByKey.get(refKey(ref));
      updates.push({
        ...previous,
        status: 'OutOfSync',
        condition: invalid
          ? {
              type: 'Stalled',
              reason: 'ValidationFailed',
              message: describeIssues(invalid),
            }
          : withheld,
        lastError: invalid ? describeIssues(invalid) : withheld.message,
      });
    }
  } else {
    const liveKeys = new Set(live.map(m => refKey(m.ref)));
    const removed: ResourceRef[] = [];
    for (const ref of plan.toPrune) {
      try {
        if (liveKeys.has(refKey(ref))) {
          await target.delete(ref);
        }
        removed.push(ref);
        result.pruned.push(ref);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.failed.push({ ref, error: message });
        updates.push({
          ...recordByKey.get(refKey(ref))!,
          status: 'Failed',
          condition: { type: 'Stalled', reason: 'PruneFailed', message },
          lastError: message,
        });
      }
    }
    await store.removeInventory(target.name, removed);
  }
  await store.upsertInventory(target.name, updates);

  result.condition = overallCondition(result, withheld, plan.drifted.length);
  return result;
}

function overallCondition(
  result: SyncResult,
  withheld: ResourceCondition | undefined,
  drifted: number,
): ResourceCondition {
  if (withheld) return withheld;
  if (result.invalidFiles.length > 0) {
    return {
      type: 'Stalled',
      reason: 'ValidationFailed',
      message: describeInvalidFiles(result.invalidFiles),
    };
  }
  if (result.failed.length > 0) {
    return {
      type: 'Stalled',
      reason: 'ApplyFailed',
      message: truncate(
        result.failed.map(f => `${refKey(f.ref)}: ${f.error}`).join('; '),
      ),
    };
  }
  if (drifted > 0) {
    return {
      type: 'Stalled',
      reason: 'DriftDetected',
      message: `${drifted} objects differ in the target`,
    };
  }
  return {
    type: 'Ready',
    reason: 'Synced',
    message: `synced to ${result.revision}`,
  };
}

function describeIssues(file: InvalidFile): string {
  return truncate(
    file.issues
      .map(
        i =>
          `${file.path}:${i.line}:${i.column}: ${i.path || '/'}: ${i.message}`,
      )
      .join('; '),
  );
}

function describeInvalidFiles(files: InvalidFile[]): string {
  return truncate(
    `${files.length} file(s) are invalid: ${files
      .map(describeIssues)
      .join('; ')}`,
  );
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE
    ? `${text.slice(0, MAX_MESSAGE - 1)}…`
    : text;
}
