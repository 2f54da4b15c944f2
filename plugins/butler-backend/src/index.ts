/**
 * Butler Portal butler backend plugin: live Workspace status from the Butler management
 * cluster (by watch) and start/stop as a runtime annotation, behind permissions.
 *
 * @packageDocumentation
 */
export { butlerPlugin as default } from './plugin';
