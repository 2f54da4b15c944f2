/*
 * The inventory records one object can end up with, built in one place so that a full sync and
 * the watch (one object as it changes) say the same things in the same words.
 */
import type { DesiredObject, HeldFieldDrift } from '../targets/types';
import type { FieldDrift, InventoryRecord } from './types';

/** Default per-object retry backoff: 10 s, doubled per failed attempt, at most 10 minutes. */
export const DEFAULT_OBJECT_RETRY = { firstMs: 10_000, maxMs: 10 * 60_000 };

export interface ObjectRetryOptions {
  /** wait after the first failure (default 10 s), doubled after each further one */
  firstMs?: number;
  /** longest wait (default 10 min) */
  maxMs?: number;
}

const MAX_VALUE = 80;

/** The wait before attempt `attempts + 1` of an object that failed `attempts` times. */
export function objectRetryDelayMs(
  attempts: number,
  options: ObjectRetryOptions = {},
): number {
  const first = options.firstMs ?? DEFAULT_OBJECT_RETRY.firstMs;
  const max = options.maxMs ?? DEFAULT_OBJECT_RETRY.maxMs;
  return Math.min(first * 2 ** Math.max(0, Math.min(attempts - 1, 30)), max);
}

/** Applied (or found exactly as wanted) at `revision`; `healed`: re-applied over drift. */
export function syncedRecord(
  d: DesiredObject,
  revision: string,
  healed?: { fields: HeldFieldDrift[]; missing: boolean },
): InventoryRecord {
  return {
    ref: d.ref,
    hash: d.hash,
    revision,
    status: 'Synced',
    condition: healed
      ? {
          type: 'Ready',
          reason: 'SelfHealed',
          message: healed.missing
            ? 're-created from Git (it was removed from the target)'
            : `restored from Git: ${describeFieldDrift(healed.fields, {
                missing: false,
              })}`,
        }
      : { type: 'Ready', reason: 'Applied' },
  };
}

/**
 * An apply that failed: Failed with the target's message, tried again after a backoff that
 * grows with each failure of the same content (a new commit changing the object resets it).
 */
export function failedRecord(
  d: DesiredObject,
  previous: InventoryRecord | undefined,
  error: string,
  options: { permanent?: boolean; now: number; retry?: ObjectRetryOptions },
): InventoryRecord {
  const attempts =
    previous?.retry?.hash === d.hash ? previous.retry.attempts + 1 : 1;
  return {
    ref: d.ref,
    hash: previous?.hash,
    revision: previous?.revision,
    status: 'Failed',
    // kstatus: Stalled when only a change can help, Reconciling while a retry may
    condition: {
      type: options.permanent ? 'Stalled' : 'Reconciling',
      reason: 'ApplyFailed',
      message: error,
    },
    lastError: error,
    retry: {
      hash: d.hash,
      attempts,
      at: new Date(
        options.now + objectRetryDelayMs(attempts, options.retry),
      ).toISOString(),
    },
  };
}

/** Changed (or removed) in the target by someone else and, self-heal being off, left so. */
export function driftedRecord(
  previous: InventoryRecord,
  fields: HeldFieldDrift[],
  missing: boolean,
): InventoryRecord {
  return {
    ...previous,
    status: 'Drifted',
    condition: {
      type: 'Stalled',
      reason: 'DriftDetected',
      message: describeFieldDrift(fields, { missing }),
    },
    lastError: undefined,
    retry: undefined,
    drift: fields.map(
      (f): FieldDrift => ({ path: f.path, managers: f.managers }),
    ),
  };
}

/** True when writing `next` over `previous` would change what the record says. */
export function recordChanged(
  previous: InventoryRecord | undefined,
  next: InventoryRecord,
): boolean {
  return (
    !previous ||
    previous.status !== next.status ||
    previous.hash !== next.hash ||
    previous.revision !== next.revision ||
    previous.condition.type !== next.condition.type ||
    previous.condition.reason !== next.condition.reason ||
    previous.condition.message !== next.condition.message
  );
}

/**
 * `.spec.image changed by kubectl-patch (Update): Git has "golang:1.23", the target "evil:1"`;
 * several fields joined by `; `.
 */
export function describeFieldDrift(
  fields: HeldFieldDrift[],
  options: { missing: boolean },
): string {
  if (options.missing) return 'removed from the target';
  if (fields.length === 0) return 'changed in the target';
  return fields
    .map(f => {
      const who =
        f.managers.length > 0
          ? `changed by ${f.managers.join(', ')}`
          : 'removed in the target';
      return `${f.path} ${who}: Git has ${show(f.desired)}, the target ${show(
        f.live,
      )}`;
    })
    .join('; ');
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}
