/*
 * The reconciler: desired state from the commit snapshot, diff, sync and health, its database store, and the sync targets (directory, Kubernetes) behind the SyncTarget interface
 */
export {};
