/*
 * One sync of one target: diff, apply, prune, record. The safety rules live here:
 *  - a commit with any invalid file deletes nothing (a broken file must not read as "gone");
 *  - more deletions than `maxDeletionsPerSync` delete nothing (a bad merge or a wrong layout root
 *    must not wipe a cluster) and the target is Stalled until someone looks;
 *  - only objects in the inventory are pruned, and the target itself refuses unlabelled ones;
 *  - the inventory is written before the target (write-ahead), so an object applied by a sync
 *    that then dies is still known, and pruned if it leaves Git;
 *  - one object the target refuses is Failed on its own record and retried with a backoff of
 *    its own; everything else goes on syncing, and the target reads `Degraded: 1 of N failed`;
 *  - applies are forced for the fields Git sets (see below); drift left alone (self-heal off)
 *    names the fields and the managers that changed them.
 */
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import type {
  DesiredObject,
  HeldFieldDrift,
  ManagedObject,
  SyncTarget,
} from '../targets/types';
import type { DesiredState } from './desiredState';
import { diff } from './diff';
import type { ReconcilerStore } from './store/ReconcilerStore';
import {
  driftedRecord,
  failedRecord,
  ObjectRetryOptions,
  recordChanged,
  syncedRecord,
} from './records';
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
  /** per-object retry backoff of failed applies */
  objectRetry?: ObjectRetryOptions;
  /** try every failed object now, whatever its backoff says (a sync someone asked for) */
  retryAll?: boolean;
  /** the clock (default Date.now) */
  now?: () => number;
  /**
   * `all` (default): every object is compared with what the target holds (the drift check).
   * `changed`: an object the inventory records as Synced with the hash Git has now is taken as
   * it is, without reading the target; only the others (new, changed, failed, drifted, leaving
   * Git) are read — the cost of a sync then grows with the change, not with the repository.
   */
  compare?: 'all' | 'changed';
}

export interface SyncInput {
  target: SyncTarget;
  store: ReconcilerStore;
  desired: DesiredState;
  /**
   * The only objects that may differ from what the inventory records (those the commit added,
   * changed or removed since a sync that left every object Synced): only their inventory rows
   * are read and only they are compared; the other desired objects are unchanged as recorded.
   * The caller vouches for that; without it the whole inventory is read. `objects`: the desired
   * objects among `refs` (the others leave Git).
   */
  scope?: {
    refs: readonly ResourceRef[];
    objects: readonly DesiredObject[];
  };
}

const MAX_MESSAGE = 4000;
/** failures named in the target's message; the rest are counted */
const NAMED_FAILURES = 5;

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
    retrying: [],
    healed: [],
    drifted: [],
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
  const now = (options.now ?? Date.now)();

  const scope = input.scope;
  const inventory = scope
    ? await store.listInventory(target.name, { refs: scope.refs })
    : await store.listInventory(target.name);
  const objects = scope ? scope.objects : desired.objects;
  const live = await listLive(
    target,
    objects,
    inventory,
    scope ? 'changed' : options.compare,
  );
  const plan = diff(objects, inventory, live, {
    selfHeal: options.selfHeal,
    now,
    retryAll: options.retryAll,
  });
  const recordByKey = new Map(inventory.map(r => [refKey(r.ref), r]));
  const liveByKey = new Map(live.map(m => [refKey(m.ref), m]));
  const result: SyncResult = {
    ...emptySyncResult(target.name, revision),
    invalidFiles: desired.invalidFiles,
  };
  /** what differs in the target, field by field, when the target can tell */
  const driftOf = (d: DesiredObject): HeldFieldDrift[] => {
    const held = liveByKey.get(refKey(d.ref));
    return held && target.describeDrift ? target.describeDrift(d, held) : [];
  };
  /** failures of this run and of earlier ones still waiting, for the target's summary */
  const failures: Array<{
    ref: ResourceRef;
    error: string;
    permanent: boolean;
  }> = [];

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
        retry: previous?.retry,
      };
    }),
  );

  const updates: InventoryRecord[] = [];
  if (plan.toApply.length > 0) {
    // Git wins on the fields it sets: forced server-side apply, as Flux and Argo CD do, so a
    // field another manager took (kubectl patch/edit) comes back instead of a 409 for good.
    // Fields Git does not set are not in the apply configuration and keep their owners.
    const healing = new Map(
      plan.toApply
        .filter(a => a.reason === 'Drifted')
        .map(a => [refKey(a.desired.ref), driftOf(a.desired)]),
    );
    // (an object Git did not change since an earlier commit was read there: the target may
    // record the commit applied)
    const results = await target.apply(
      plan.toApply.map(a =>
        a.desired.revision === revision
          ? a.desired
          : { ...a.desired, revision },
      ),
      { force: true, reportOutcome: false },
    );
    plan.toApply.forEach(({ desired: d, reason }, i) => {
      const outcome = results[i];
      const previous = recordByKey.get(refKey(d.ref));
      if (outcome?.ok) {
        result.applied.push(d.ref);
        if (reason === 'Drifted' || reason === 'Missing') {
          result.healed.push(d.ref);
          updates.push(
            syncedRecord(d, revision, {
              fields: healing.get(refKey(d.ref)) ?? [],
              missing: reason === 'Missing',
            }),
          );
        } else {
          updates.push(syncedRecord(d, revision));
        }
        return;
      }
      const error = outcome
        ? outcome.error
        : 'the target returned no result for this object';
      const permanent = !!(outcome && !outcome.ok && outcome.permanent);
      result.failed.push({ ref: d.ref, error });
      failures.push({ ref: d.ref, error, permanent });
      updates.push(
        failedRecord(d, previous, error, {
          permanent,
          now,
          retry: options.objectRetry,
        }),
      );
    });
  }
  for (const d of plan.waiting) {
    const previous = recordByKey.get(refKey(d.ref))!;
    result.retrying.push(d.ref);
    failures.push({
      ref: d.ref,
      error: previous.lastError ?? previous.condition.message ?? 'failed',
      permanent: previous.condition.type === 'Stalled',
    });
  }
  for (const d of plan.toAdopt) {
    result.adopted.push(d.ref);
    updates.push(syncedRecord(d, revision));
  }
  if (scope) {
    // outside the scope everything is Synced as recorded: unchanged, nothing to write (told
    // apart by identity: no key is built per object)
    const inScope = new Set<DesiredObject>(scope.objects);
    for (const d of desired.objects) {
      if (!inScope.has(d)) result.unchanged.push(d.ref);
    }
  }
  for (const d of plan.unchanged) {
    result.unchanged.push(d.ref);
    const previous = recordByKey.get(refKey(d.ref));
    // only touch the store when the record says something else: a no-op sync writes nothing
    if (previous?.status !== 'Synced' || previous.condition.type !== 'Ready') {
      updates.push(syncedRecord(d, previous?.revision ?? revision));
    }
  }
  for (const { desired: d, reason } of plan.drifted) {
    const previous = recordByKey.get(refKey(d.ref))!;
    result.drifted.push(d.ref);
    const next = driftedRecord(previous, driftOf(d), reason === 'Missing');
    if (recordChanged(previous, next)) updates.push(next);
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
    const removed: ResourceRef[] = [];
    for (const ref of plan.toPrune) {
      try {
        if (liveByKey.has(refKey(ref))) {
          await target.delete(ref);
        }
        removed.push(ref);
        result.pruned.push(ref);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.failed.push({ ref, error: message });
        failures.push({ ref, error: message, permanent: false });
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

  const retries = [
    ...updates
      .filter(u => u.status === 'Failed' && u.retry)
      .map(u => u.retry!.at),
    ...plan.waiting.map(d => recordByKey.get(refKey(d.ref))?.retry?.at),
  ].filter((at): at is string => !!at);
  if (retries.length > 0) result.nextRetryAt = retries.sort()[0];
  result.condition = overallCondition(result, {
    withheld,
    failures,
    total: Math.max(desired.objects.length, failures.length),
    drifted: plan.drifted.map(({ desired: d }) => d.ref),
  });
  return result;
}

/**
 * What the target holds. Comparing `changed` only, the objects recorded as Synced at the hash
 * Git has are taken as held by that hash (not read); the target reads the rest.
 */
async function listLive(
  target: SyncTarget,
  objects: readonly DesiredObject[],
  inventory: readonly InventoryRecord[],
  compare: SyncOptions['compare'] = 'all',
): Promise<ManagedObject[]> {
  if (compare === 'all') return target.listManaged();
  const recordByKey = new Map(inventory.map(r => [refKey(r.ref), r]));
  const trusted: ManagedObject[] = [];
  const refs: ResourceRef[] = [];
  const desiredKeys = new Set<string>();
  for (const d of objects) {
    const key = refKey(d.ref);
    desiredKeys.add(key);
    const record = recordByKey.get(key);
    if (record?.status === 'Synced' && record.hash === d.hash) {
      trusted.push({ ref: d.ref, hash: d.hash });
    } else {
      refs.push(d.ref);
    }
  }
  // leaving Git: whether the target still holds them decides between delete and forget
  for (const record of inventory) {
    if (!desiredKeys.has(refKey(record.ref))) refs.push(record.ref);
  }
  const read = refs.length > 0 ? await target.listManaged({ refs }) : [];
  const trustedKeys = new Set(trusted.map(m => refKey(m.ref)));
  return [...trusted, ...read.filter(m => !trustedKeys.has(refKey(m.ref)))];
}

/**
 * The target's condition after a sync: what blocks it (withheld deletions, invalid files), else
 * a summary of the objects that failed (`Degraded: 1 of 4,558 failed: ...`) while the others
 * are synced, else drift left alone, else Ready.
 */
function overallCondition(
  result: SyncResult,
  facts: {
    withheld?: ResourceCondition;
    failures: Array<{ ref: ResourceRef; error: string; permanent: boolean }>;
    total: number;
    drifted: ResourceRef[];
  },
): ResourceCondition {
  if (facts.withheld) return facts.withheld;
  if (result.invalidFiles.length > 0) {
    return {
      type: 'Stalled',
      reason: 'ValidationFailed',
      message: describeInvalidFiles(result.invalidFiles),
    };
  }
  if (facts.failures.length > 0) {
    return degradedCondition(facts.failures, facts.total);
  }
  if (facts.drifted.length > 0) {
    return driftCondition(facts.drifted.length, facts.total);
  }
  return {
    type: 'Ready',
    reason: 'Synced',
    message: `synced to ${result.revision}`,
  };
}

/** `Degraded`: some objects failed, the rest is synced; Stalled only when no retry can help. */
export function degradedCondition(
  failures: Array<{ ref: ResourceRef; error: string; permanent: boolean }>,
  total: number,
): ResourceCondition {
  const named = failures
    .slice(0, NAMED_FAILURES)
    .map(f => `${refKey(f.ref)}: ${f.error}`);
  if (failures.length > NAMED_FAILURES) {
    named.push(`and ${count(failures.length - NAMED_FAILURES)} more`);
  }
  return {
    type: failures.every(f => f.permanent) ? 'Stalled' : 'Reconciling',
    reason: 'Degraded',
    message: truncate(
      `${count(failures.length)} of ${count(total)} failed; ${named.join(
        '; ',
      )}`,
    ),
  };
}

/** `DriftDetected`: objects someone else changed, left so because self-heal is off. */
export function driftCondition(
  drifted: number,
  total: number,
  selfHeal = false,
): ResourceCondition {
  return {
    type: 'Stalled',
    reason: 'DriftDetected',
    message: `${count(drifted)} of ${count(
      total,
    )} changed in the target by someone else (${
      selfHeal ? 'self-heal backing off' : 'self-heal is off'
    })`,
  };
}

/** 4558 → `4,558`, whatever the server's locale */
function count(n: number): string {
  return n.toLocaleString('en-US');
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
