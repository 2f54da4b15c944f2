/*
 * Herald (isomorphic): the Vector component catalog of one pinned Vector version, static validation of pipelines with event-type flow, rendering to Vector configuration, permissions
 */
export {};
