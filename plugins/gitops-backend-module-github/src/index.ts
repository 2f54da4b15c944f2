/*
 * GitOps provider module: GitHub through @octokit/rest (Git data API commits, pull requests, reviews, statuses) and its verified webhooks
 */
export {};
