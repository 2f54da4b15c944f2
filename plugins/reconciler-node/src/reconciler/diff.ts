/*
 * Desired (Git) against inventory (what the reconciler last applied) and live (what the target
 * holds now). Pure: it decides, the sync step acts.
 */
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import type { DesiredObject, ManagedObject } from '../targets/types';
import { InventoryRecord, refKey } from './types';

/** Why an object is (re)applied. */
export type ApplyReason =
  | 'Created'
  | 'Changed'
  | 'Retry'
  | 'Drifted'
  | 'Missing';

export interface SyncPlan {
  toApply: Array<{ desired: DesiredObject; reason: ApplyReason }>;
  /** the target already holds exactly this object: record it, write nothing */
  toAdopt: DesiredObject[];
  /** in the inventory, gone from Git */
  toPrune: ResourceRef[];
  unchanged: DesiredObject[];
  /** unchanged in Git but different in the target (only filled when not self-healing) */
  drifted: Array<{ desired: DesiredObject; reason: 'Drifted' | 'Missing' }>;
  /** failed before with this very content, next attempt not due yet: left alone this time */
  waiting: DesiredObject[];
}

export interface DiffOptions {
  /** re-apply objects changed or removed in the target behind the portal's back (default true) */
  selfHeal?: boolean;
  /** the clock per-object retries are due by (default Date.now()) */
  now?: number;
  /** try failed objects now, whatever their backoff says (a sync someone asked for) */
  retryAll?: boolean;
}

export function diff(
  desired: readonly DesiredObject[],
  inventory: readonly InventoryRecord[],
  live: readonly ManagedObject[],
  options: DiffOptions = {},
): SyncPlan {
  const selfHeal = options.selfHeal ?? true;
  const now = options.now ?? Date.now();
  const inventoryByKey = new Map(inventory.map(r => [refKey(r.ref), r]));
  const liveByKey = new Map(live.map(m => [refKey(m.ref), m]));
  const desiredKeys = new Set(desired.map(d => refKey(d.ref)));
  const plan: SyncPlan = {
    toApply: [],
    toAdopt: [],
    toPrune: [],
    unchanged: [],
    drifted: [],
    waiting: [],
  };

  for (const d of desired) {
    const key = refKey(d.ref);
    const record = inventoryByKey.get(key);
    const held = liveByKey.get(key);
    const matches = held !== undefined && liveMatches(held, d);
    if (record?.hash === d.hash && record.status !== 'Failed') {
      if (matches) {
        plan.unchanged.push(d);
      } else {
        const reason = held ? 'Drifted' : 'Missing';
        if (selfHeal) plan.toApply.push({ desired: d, reason });
        else plan.drifted.push({ desired: d, reason });
      }
    } else if (matches) {
      // e.g. applied by a sync that died before recording it: nothing to write
      plan.toAdopt.push(d);
    } else if (
      record?.status === 'Failed' &&
      record.retry?.hash === d.hash &&
      !options.retryAll &&
      now < Date.parse(record.retry.at)
    ) {
      // the same content failed a moment ago: its backoff decides, not the poll interval
      plan.waiting.push(d);
    } else {
      let reason: ApplyReason = 'Created';
      if (record) reason = record.hash ? 'Changed' : 'Retry';
      plan.toApply.push({ desired: d, reason });
    }
  }
  for (const record of inventory) {
    if (!desiredKeys.has(refKey(record.ref))) {
      plan.toPrune.push(record.ref);
    }
  }
  return plan;
}

/** Whether the target's copy is the desired object: by hash, or by the desired fields being there. */
export function liveMatches(
  held: ManagedObject,
  desired: DesiredObject,
): boolean {
  if (held.hash !== undefined) {
    return held.hash === desired.hash;
  }
  return held.live !== undefined && containsFields(held.live, desired.object);
}

/**
 * True when every field of `wanted` is in `actual` with the same value. A live object carries
 * fields the server adds (status, uid, managedFields, defaults); those are not drift.
 */
export function containsFields(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) &&
      actual.length === wanted.length &&
      wanted.every((w, i) => containsFields(actual[i], w))
    );
  }
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return false;
    return Object.entries(wanted).every(
      ([k, w]) =>
        w === undefined ||
        containsFields((actual as Record<string, unknown>)[k], w),
    );
  }
  return actual === wanted;
}
