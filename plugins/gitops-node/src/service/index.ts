/*
 * The configured GitOps repositories and their providers, as a backend service.
 */
export { gitProvidersServiceRef } from './gitProvidersService';
export type { GitProvidersService, OwnerDirectory } from './gitProvidersService';
export { createGitProviders } from './createGitProviders';
export { readGitopsConfig, GitopsConfigError, GITOPS_PROVIDER_TYPES } from './readGitopsConfig';
export type {
  GitopsConfig,
  GitopsProviderType,
  GitopsRepositoryConfig,
  GithubRepositoryConfig,
  GitlabRepositoryConfig,
  LocalRepositoryConfig,
} from './readGitopsConfig';
