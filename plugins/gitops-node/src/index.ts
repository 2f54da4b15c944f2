/**
 * Butler Portal GitOps node library: Git providers and the change-request service.
 *
 * @packageDocumentation
 */
export * from './provider';
export * from './github';
export * from './gitlab';
export * from './local';
export * from './changes';
export * from './catalog';
export * from './service';
export * from './reconciler';
export * from './targets/directory';
export * from './targets/kubernetes';
export * from './util';
