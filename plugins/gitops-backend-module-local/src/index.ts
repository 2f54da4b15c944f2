/*
 * GitOps provider module: local bare repositories operated with isomorphic-git, change requests stored in the repository, and Git smart HTTP
 */
export {};
