/**
 * Butler runtime contract (workspaces; tenant clusters, addons, teams, users) and permissions, shared by the butler backend and the frontends.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './permissionRules';
export * from './types';
export * from './inventory';
