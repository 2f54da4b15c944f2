/**
 * Butler runtime contract and permissions, shared by the butler backend and the frontends.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
