/*
 * GitOps provider module: GitLab through @gitbeaker/rest (commits, merge requests, approvals) and its verified webhooks
 */
export {};
