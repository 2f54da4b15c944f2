export * from './ChangeStatus';
export * from './describe';
export * from './ChangeSyncStatus';
export * from './changeSyncState';
export * from './findSyncEntries';
