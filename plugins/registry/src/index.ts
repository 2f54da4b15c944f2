/**
 * Keeper: the Registry pages — browse artifacts, versions and usage, publish / deprecate / yank
 * as change requests, registry tokens.
 *
 * @packageDocumentation
 */
export { registryPlugin as default } from './plugin';
export * from './api';
export { artifactRouteRef, rootRouteRef, tokensRouteRef } from './routes';
