/*
 * The handful of @gitbeaker/rest resources the provider uses, bound to one identity. Building
 * only these (instead of the whole `Gitlab` bundle of ~200 resources) keeps a per-request client
 * for a user's own token cheap.
 */
import {
  Branches,
  Commits,
  MergeRequestApprovals,
  MergeRequestNotes,
  MergeRequests,
  Projects,
  Repositories,
  RepositoryFiles,
  Tags,
  Users,
} from '@gitbeaker/rest';
import type {
  RequesterType,
  ResourceOptions,
} from '@gitbeaker/requester-utils';

/** Returns the token to send; called per request so a rotated token is picked up. */
export type GitlabTokenProvider = () => Promise<string>;

export interface GitlabClient {
  branches: InstanceType<typeof Branches>;
  commits: InstanceType<typeof Commits>;
  approvals: InstanceType<typeof MergeRequestApprovals>;
  notes: InstanceType<typeof MergeRequestNotes>;
  mergeRequests: InstanceType<typeof MergeRequests>;
  projects: InstanceType<typeof Projects>;
  repositories: InstanceType<typeof Repositories>;
  files: InstanceType<typeof RepositoryFiles>;
  tags: InstanceType<typeof Tags>;
  users: InstanceType<typeof Users>;
}

export function createGitlabClient(options: {
  /** web base URL of the GitLab instance; the API lives under `/api/v4` */
  host: string;
  token: string | GitlabTokenProvider;
  requesterFn: (resourceOptions: ResourceOptions) => RequesterType;
}): GitlabClient {
  const config = {
    host: options.host.replace(/\/+$/, ''),
    // Bearer works for OAuth tokens (a signed-in user's) and personal/project/group access tokens.
    oauthToken: options.token,
    requesterFn: options.requesterFn,
    // The retrying requester paces on GitLab's answers; no client-side token bucket.
    rateLimits: {},
    queryTimeout: 60_000,
  };
  return {
    branches: new Branches(config),
    commits: new Commits(config),
    approvals: new MergeRequestApprovals(config),
    notes: new MergeRequestNotes(config),
    mergeRequests: new MergeRequests(config),
    projects: new Projects(config),
    repositories: new Repositories(config),
    files: new RepositoryFiles(config),
    tags: new Tags(config),
    users: new Users(config),
  };
}
