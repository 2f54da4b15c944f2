/*
 * The change-request service: portal writes as one-file change requests on any GitProvider.
 */
export {
  ChangeService,
  DEFAULT_CHANGE_PAGE,
  MAX_CHANGE_PAGE,
  MAX_DIFF_FILE_BYTES,
  MAX_DIFF_TOTAL_BYTES,
} from './ChangeService';
export type {
  ChangeServiceOptions,
  ChangeVisibility,
  SubmitOptions,
} from './ChangeService';
export { formatChangeId, parseChangeId } from './changeIds';
export type { ChangeIdParts } from './changeIds';
export { MAX_IDEMPOTENCY_KEY_LENGTH } from './IdempotencyStore';
export type {
  IdempotencyClaim,
  IdempotencyKeyRef,
  IdempotencyStore,
} from './IdempotencyStore';
export { ResourceValidationError } from './ResourceValidationError';
export { unifiedDiff } from './unifiedDiff';
export {
  validateChangeFiles,
  validationCheck,
  VALIDATION_CHECK_CONTEXT,
} from './validateChangeFiles';
export type * from './types';
