/*
 * The reconciler: syncs merged Git state to sync targets (see targets/types.ts), keeping its
 * inventory and per-resource status in the database.
 */
export { Reconciler, DEFAULT_DRIFT_CHECK_INTERVAL_MS } from './Reconciler';
export type { ReconcilerOptions, ReconcilerStatus } from './Reconciler';
export { desiredState, desiredStateOf } from './desiredState';
export type { DesiredState, DesiredStateOptions } from './desiredState';
export { renderManifest } from '../render/renderStep';
export type { RenderStep } from '../render/renderStep';
export { diff, containsFields, liveMatches } from './diff';
export type { ApplyReason, DiffOptions, SyncPlan } from './diff';
export { sync, DEFAULT_MAX_DELETIONS_PER_SYNC } from './sync';
export { DEFAULT_OBJECT_RETRY, describeFieldDrift } from './records';
export type { ObjectRetryOptions } from './records';
export type { SyncInput, SyncOptions } from './sync';
export { refKey } from './types';
export type {
  ConditionType,
  FieldDrift,
  InvalidFile,
  InventoryRecord,
  ResourceCondition,
  ResourceStatus,
  RetryState,
  SyncResult,
  SyncStatus,
  TargetState,
} from './types';
export * from './store';
export * from '../targets/types';
