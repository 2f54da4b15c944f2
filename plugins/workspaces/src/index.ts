/**
 * Butler Portal Chambers: developer workspaces. Lists, creates, edits and deletes Workspace
 * resources as change requests to the GitOps repository, shows their sync and live status,
 * starts and stops them through the butler backend, and gives SSH and editor connect links.
 *
 * @packageDocumentation
 */
export { workspacesPlugin as default } from './plugin';
export * from './api';
export {
  createWorkspaceRouteRef,
  rootRouteRef,
  workspaceRouteRef,
} from './routes';
export { connectInfo, hostAlias, type ConnectInfo } from './lib/connect';
