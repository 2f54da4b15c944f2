/*
 * A GitHub REST API server for tests: the Git data API, pulls, reviews, statuses, branch
 * protection, webhooks, rate limits and injected failures, with the shapes GitHub documents.
 */
export { FakeGithubServer } from './fakeGithubServer';
export type {
  FakeBranchProtection,
  FakeCheckRun,
  FakeGithubServerOptions,
  FakeGithubUser,
  InjectedResponse,
  RecordedRequest,
} from './fakeGithubServer';
export { FakeGitStore } from './fakeGitStore';
export type { CommitObject, FileMode, FlatEntry, FlatTree, GitIdentity, TreeItem } from './fakeGitStore';
