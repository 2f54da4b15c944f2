/**
 * Herald (isomorphic): the Vector component catalog of one pinned Vector version, static
 * validation of pipelines with event-type flow, rendering to Vector configuration, and the
 * pipeline permissions. Used by the browser editor, the backend, the reconciler's Vector
 * targets and the CLI; no Node-only imports.
 *
 * @packageDocumentation
 */
export * from './catalog';
export * from './graph';
export * from './validation';
export * from './render';
export * from './permissions';
