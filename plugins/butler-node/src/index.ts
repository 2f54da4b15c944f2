/**
 * Butler Portal butler node library: the inventory of the Butler management cluster (one watch
 * per kind per backend, shared by the butler plugin and the catalog and permission modules
 * through `butlerInventoryServiceRef`), the projections of its objects and the `butler`
 * configuration. Here rather than in butler-backend so that modules of other plugins depend on a
 * library, not on another plugin.
 *
 * @packageDocumentation
 */
export {
  butlerInventoryServiceRef,
  createButlerInventory,
} from './inventory/butlerInventoryServiceRef';
export {
  ClusterInventory,
  UnavailableInventory,
  NOT_CONFIGURED_REASON,
} from './inventory/ButlerInventory';
export type {
  ButlerInventory,
  InventoryEvent,
} from './inventory/ButlerInventory';
export { KindInformer } from './informers/KindInformer';
export type {
  ButlerObject,
  KindInformerEvent,
  KindInformerOptions,
  KindInformerState,
} from './informers/KindInformer';
export * from './inventory/projections';
export { ButlerConfigError, readButlerConfig } from './config/readButlerConfig';
export type { ButlerConfig } from './config/readButlerConfig';
export { TenantKubeconfigReader } from './tenant/TenantKubeconfigReader';
export type { TenantKubeconfig } from './tenant/TenantKubeconfigReader';
export {
  decideScope,
  deniedMessage,
  readScope,
} from './access/readScope';
export type { Matcher, Scope, ScopeDecision } from './access/readScope';
