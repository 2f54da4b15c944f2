/*
 * GitLab Git provider: change requests as one commit + a merge request, through @gitbeaker/rest.
 */
export { GitlabGitProvider } from './GitlabGitProvider';
export type { GitlabGitProviderOptions } from './GitlabGitProvider';
export type { GitlabTokenProvider } from './gitlabClient';
export type { GitlabRetryOptions } from './gitlabRequester';
export { CHANGES_REQUESTED_MARKER as GITLAB_CHANGES_REQUESTED_MARKER } from './mergeRequestMapping';
export {
  parseGitlabWebhook,
  GitlabWebhookTokenError,
} from './parseGitlabWebhook';
export type {
  ParseGitlabWebhookInput,
  GitlabWebhookProject,
} from './parseGitlabWebhook';

export { gitopsModuleGitlabProvider as default } from './module';
export { gitlabProviderFactory } from './gitlabProviderFactory';
