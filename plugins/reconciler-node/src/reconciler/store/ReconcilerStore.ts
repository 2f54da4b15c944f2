/*
 * Where the reconciler keeps what it must not forget across restarts: per target, the commit
 * last synced and the inventory of objects it owns. Without the inventory it could not prune
 * safely (it would not know what it owns) and would re-apply everything after a restart.
 */
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import type { InventoryRecord, TargetState } from '../types';

export interface ReconcilerStore {
  getTargetState(target: string): Promise<TargetState | undefined>;
  setTargetState(state: TargetState): Promise<void>;
  /** Records a full sync that changed nothing (TargetState.checkedAt). */
  markChecked(target: string, checkedAt: string): Promise<void>;
  /** the target's records; with `refs`, those of these objects only (the others are not read) */
  listInventory(
    target: string,
    options?: { refs?: readonly ResourceRef[] },
  ): Promise<InventoryRecord[]>;
  /** inserts or replaces records by (target, kind, namespace, name), all or nothing */
  upsertInventory(target: string, records: InventoryRecord[]): Promise<void>;
  removeInventory(target: string, refs: ResourceRef[]): Promise<void>;
  /**
   * Takes the lease `name` for `holder` until `ttlMs` from now, when it is free, expired or
   * already held by `holder` (which renews it). Compare-and-set: of replicas racing for a free
   * lease exactly one gets it. Returns whether `holder` holds it now.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` still holds it. */
  releaseLease(name: string, holder: string): Promise<void>;
}
