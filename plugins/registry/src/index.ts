/*
 * Keeper: the Registry pages — browse artifacts, versions and usage, publish / deprecate / yank as change requests, registry tokens
 */
export {};
