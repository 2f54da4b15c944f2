/**
 * The reconciler: syncs the merged state of a GitOps repository to its sync targets (see
 * src/targets/types.ts for the SyncTarget interface), keeping its inventory and per-resource
 * status in the database. Desired state, diff, sync and health are separate modules; the
 * Reconciler composes them.
 *
 * @packageDocumentation
 */
export * from './reconciler';
export * from './targets/directory';
export * from './targets/kubernetes';
export * from './targets/vector';
export { RenderRefusedError } from './render/renderStep';
export type { RenderSource } from './render/renderStep';
