/*
 * A GitLab REST API server for tests: commits, merge requests, approvals, webhooks, as the real API documents them
 */
export {};
