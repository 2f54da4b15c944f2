export type { ReconcilerStore } from './ReconcilerStore';
export { DatabaseReconcilerStore } from './DatabaseReconcilerStore';
export {
  applyReconcilerMigrations,
  INVENTORY_TABLE,
  LEASES_TABLE,
  TARGETS_TABLE,
} from './migrations/applyReconcilerMigrations';
