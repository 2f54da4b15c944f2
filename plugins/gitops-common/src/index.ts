/**
 * Butler Portal GitOps common library: the one definition of each resource kind that the
 * portal forms, the backend, the CLI and IDEs share.
 *
 * @packageDocumentation
 */
export * from './kinds';
