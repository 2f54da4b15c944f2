/**
 * Butler Portal GitOps node library: Git providers and the change-request service.
 *
 * @packageDocumentation
 */
export * from './provider';
