/**
 * Butler Portal GitOps common library: the one definition of each resource kind that the
 * portal forms, the backend, the CLI and IDEs share — kinds, validation, the YAML codec, the
 * repo layout and permissions — and the JSON types of the gitops REST API, which the backend
 * answers with and the frontend reads. Isomorphic: runs in the browser, the backend and the CLI.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './entity';
export * from './kinds';
export * from './layout';
export * from './permissions';
export * from './permissionRules';
export * from './validation';
export * from './yaml';
