/*
 * A GitHub REST API server for tests: Git data API, pulls, reviews, statuses, webhooks, rate limits and partial failures, as the real API documents them
 */
export {};
