/*
 * Opening change requests from a frontend plugin: an idempotency key per form, and a hook that
 * opens a change from a dialog.
 */
export { newIdempotencyKey } from './idempotency';
export { useOpenChange } from './useOpenChange';
