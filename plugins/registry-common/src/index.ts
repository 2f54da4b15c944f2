/**
 * Keeper (isomorphic): artifact and version records, semver rules, client usage snippets and
 * the registry permissions.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './semver';
export * from './names';
export * from './types';
export * from './usage';
export * from './publish';
