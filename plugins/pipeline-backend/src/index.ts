/*
 * Herald backend: pipelines read from the merged snapshot, validation and rendering API, Vector health
 */
export {};
