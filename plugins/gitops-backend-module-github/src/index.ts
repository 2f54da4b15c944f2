/*
 * GitHub Git provider: change requests as one Git data API commit + a pull request, through
 * @octokit/rest; plus the verified webhook parser for push / pull-request / review events.
 */
export { GithubGitProvider } from './GithubGitProvider';
export type { GithubGitProviderOptions } from './GithubGitProvider';
export type { GithubRetryOptions } from './githubRetry';
export {
  parseGithubWebhook,
  verifyGithubSignature,
  GithubWebhookSignatureError,
} from './parseGithubWebhook';
export type { GithubWebhookInput } from './parseGithubWebhook';

export { gitopsModuleGithubProvider as default } from './module';
export { githubProviderFactory } from './githubProviderFactory';
