/*
 * A GitLab REST API server for tests: repository files and commits, merge requests, approvals,
 * notes, webhooks and injected failures, with the shapes GitLab documents.
 */
export { DEFAULT_GITLAB_USERS, FakeGitlabServer, gitBlobId } from './fakeGitlabServer';
export type {
  FakeGitlabOptions,
  FakeGitlabUser,
  FileData,
  InjectedFailure,
  RecordedRequest,
} from './fakeGitlabServer';
