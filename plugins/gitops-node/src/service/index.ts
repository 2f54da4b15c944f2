/*
 * The configured GitOps repositories and their providers, as a backend service, and the
 * extension point through which provider modules register.
 */
export { gitProvidersServiceRef } from './gitProvidersService';
export type { GitProvidersService, OwnerDirectory } from './gitProvidersService';
export { GitProvidersRegistry, createGitProviders } from './GitProvidersRegistry';
export { gitopsProvidersExtensionPoint } from './gitopsProvidersExtensionPoint';
export type { GitopsProvidersExtensionPoint } from './gitopsProvidersExtensionPoint';
export type {
  GitProviderFactory,
  GitProviderFactoryContext,
  WebhookDelivery,
} from './gitProviderFactory';
export {
  readGitopsConfig,
  GitopsConfigError,
  GITOPS_PROVIDER_TYPES,
  DEFAULT_MAX_PUSH_BYTES,
} from './readGitopsConfig';
export type {
  GitopsConfig,
  GitopsProviderType,
  GitopsRepositoryConfig,
  GithubRepositoryConfig,
  GitlabRepositoryConfig,
  LocalRepositoryConfig,
} from './readGitopsConfig';
