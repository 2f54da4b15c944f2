export { migratePluginDatabase } from './migratePluginDatabase';
export type { MigratePluginDatabaseOptions } from './migratePluginDatabase';
