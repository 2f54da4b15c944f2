/**
 * Butler Portal scaffolder actions: `butler:gitops:change` opens a change request for one
 * resource file, `butler:workspace:create` builds a Workspace from a WorkspaceTemplate and opens
 * it as a change request; both through the gitops backend, as the user running the template.
 * `butler:layout:fetch` copies a repo layout into the task workspace (new GitOps repositories).
 *
 * @packageDocumentation
 */
export { scaffolderModuleButler as default } from './module';
export {
  createGitopsChangeAction,
  gitopsChangeInputSchema,
  GITOPS_CHANGE_ACTION_ID,
} from './actions/gitopsChange';
export {
  createWorkspaceCreateAction,
  workspaceCreateInputSchema,
  WORKSPACE_CREATE_ACTION_ID,
  CLUSTER_TEMPLATE_NAMESPACE,
} from './actions/workspaceCreate';
export {
  createLayoutFetchAction,
  layoutFetchInputSchema,
  layoutsDirOf,
  LAYOUT_FETCH_ACTION_ID,
} from './actions/layoutFetch';
export { GitopsClient } from './gitops/GitopsClient';
