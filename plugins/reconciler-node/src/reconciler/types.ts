/*
 * The reconciler's records: per-resource sync status in Argo CD's words (Synced / OutOfSync /
 * Drifted / Failed) plus a Flux-style condition (Ready / Reconciling / Stalled with a reason), so
 * both the catalog cards and a kstatus-minded reader get what they expect.
 */
import type {
  ResourceRef,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { ResourceHealth } from '../targets/types';

/** Whether the target holds what Git says. */
export type SyncStatus = 'Synced' | 'OutOfSync' | 'Drifted' | 'Failed';

/** Flux / kstatus condition: done, still working on it, or stuck until someone acts. */
export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled';

export interface ResourceCondition {
  type: ConditionType;
  /** CamelCase reason, e.g. `Applied`, `ApplyFailed`, `PruneGuard`, `ValidationFailed` */
  reason: string;
  message?: string;
}

/** A field the target holds with another value than Git's, and who changed it. */
export interface FieldDrift {
  /** as the apiserver writes field paths: `.spec.image`, `.metadata.labels.team` */
  path: string;
  /**
   * the field managers owning the field now (from `metadata.managedFields`), e.g.
   * `kubectl-patch (Update)`; empty when nobody does (the field was removed)
   */
  managers: string[];
}

/** A failing apply waiting for its next attempt (per-object exponential backoff). */
export interface RetryState {
  /** content hash of the object that failed: a new commit changing it is tried at once */
  hash: string;
  /** failed attempts so far */
  attempts: number;
  /** ISO time of the next attempt */
  at: string;
}

/** One object the reconciler owns (or is about to own) in a target; kept in the store. */
export interface InventoryRecord {
  ref: ResourceRef;
  /** content hash of the object last applied; undefined while never applied successfully */
  hash?: string;
  /** commit of the last successful apply */
  revision?: string;
  status: SyncStatus;
  condition: ResourceCondition;
  lastError?: string;
  /** ISO time of the last change of this record */
  updatedAt?: string;
  /** status Drifted: the fields that differ from Git and who changed them */
  drift?: FieldDrift[];
  /** status Failed: when the apply is tried again */
  retry?: RetryState;
}

/** {@link InventoryRecord} with the live health, as status() reports it. */
export interface ResourceStatus extends InventoryRecord {
  health?: ResourceHealth;
}

/** A file of the commit that did not validate. */
export interface InvalidFile {
  path: string;
  /** the resource the path stands for, when the path itself is a layout path */
  ref?: ResourceRef;
  issues: ValidationIssue[];
}

/** What one sync did. */
export interface SyncResult {
  target: string;
  revision: string;
  applied: ResourceRef[];
  /** objects the target already held exactly as desired: recorded, not written */
  adopted: ResourceRef[];
  /**
   * gone from Git and no longer owned: deleted from the target, or only forgotten when the
   * target no longer held them with the managed-by label
   */
  pruned: ResourceRef[];
  unchanged: ResourceRef[];
  failed: Array<{ ref: ResourceRef; error: string }>;
  /**
   * objects that failed before and whose next attempt is not due yet (per-object backoff):
   * not tried in this run, still counted as failed in the condition
   */
  retrying: ResourceRef[];
  /** objects changed in the target by someone else and re-applied (self-heal) */
  healed: ResourceRef[];
  /** objects changed in the target by someone else and left so (self-heal off) */
  drifted: ResourceRef[];
  /** ISO time the earliest failed object is due to be tried again */
  nextRetryAt?: string;
  /** objects gone from Git whose deletion was held back (invalid files, or the prune guard) */
  withheldPrunes: ResourceRef[];
  invalidFiles: InvalidFile[];
  /** overall condition of the target after this sync */
  condition: ResourceCondition;
  /**
   * set when the run compared nothing: `Unchanged` (the commit was synced, and checked for
   * drift within the drift interval) or `LeaseHeld` (another replica is syncing this target)
   */
  skipped?: 'Unchanged' | 'LeaseHeld';
}

/** Per-target state kept across restarts. */
export interface TargetState {
  target: string;
  /** commit of the last completed sync */
  revision?: string;
  condition: ResourceCondition;
  lastError?: string;
  updatedAt?: string;
  /**
   * ISO time of the last full sync (every file read and validated, the target listed and
   * compared); a poll at an unchanged, synced commit skips that work until the drift interval
   * has passed. Kept as it was when a state is written without it.
   */
  checkedAt?: string;
}

/** `Kind/namespace/name`, the key of a resource in maps and messages. */
export function refKey(ref: ResourceRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}
