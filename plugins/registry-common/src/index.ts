/*
 * Keeper (isomorphic): artifact and version records, semver rules, client usage snippets and the registry permissions
 */
export {};
