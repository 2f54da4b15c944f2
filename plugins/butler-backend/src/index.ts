/**
 * Butler Portal butler backend plugin: live Workspace status from the Butler management
 * cluster (by watch) and start/stop as a runtime annotation; tenant clusters, addons, the addon
 * catalog, teams and users from one shared watch per kind, shown per team; all behind
 * permissions.
 *
 * @packageDocumentation
 */
export { butlerPlugin as default } from './plugin';
export { butlerInventoryServiceRef } from './inventory/butlerInventoryServiceRef';
export {
  ClusterInventory,
  UnavailableInventory,
  NOT_CONFIGURED_REASON,
} from './inventory/ButlerInventory';
export type {
  ButlerInventory,
  InventoryEvent,
} from './inventory/ButlerInventory';
export type { ButlerObject } from './informers/KindInformer';
export {
  conditionsOf,
  isPlatformAdmin,
  roleOf,
  teamOfCluster,
  toAddonInfo,
} from './inventory/projections';
