/**
 * Butler Portal butler backend plugin: live Workspace status from the Butler management
 * cluster (by watch) and start/stop as a runtime annotation; tenant clusters, addons, the addon
 * catalog, teams and users from one shared watch per kind, shown per team; all behind
 * permissions. The inventory itself (its service ref, projections and configuration) is in
 * @butler-portal/plugin-butler-node.
 *
 * @packageDocumentation
 */
export { butlerPlugin as default } from './plugin';
