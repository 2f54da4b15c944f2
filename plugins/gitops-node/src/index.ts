/**
 * Butler Portal GitOps core node library: the GitProvider interface, the change-request service,
 * the commit snapshot reader, the Git providers service and the extension point through which
 * provider modules (local, GitHub, GitLab) register.
 *
 * @packageDocumentation
 */
export * from './provider';
export * from './changes';
export * from './catalog';
export * from './service';
export * from './util';
export * from './auth';
export * from './snapshot';
export * from './http';
export * from './keeper';
export * from './database';
