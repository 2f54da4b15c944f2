/**
 * Catalog module of Butler Portal: the resources of the configured GitOps repositories
 * (workspaces, templates, tenant addons, artifacts and their versions, pipelines) as catalog
 * entities, with their owners, dependencies, source file, commit and open change requests.
 *
 * @packageDocumentation
 */
export { catalogModuleGitOps as default } from './module';
export { GitOpsEntityProvider } from './provider/GitOpsEntityProvider';
export type {
  GitOpsEntityProviderOptions,
  GitOpsProviderRepository,
  SyncRequest,
  SyncResult,
} from './provider/GitOpsEntityProvider';
export {
  GitOpsEntityProcessor,
  isGitOpsEntity,
} from './processor/GitOpsEntityProcessor';
export * from './entity/annotations';
