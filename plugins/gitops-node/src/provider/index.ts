/*
 * The GitProvider interface and the rules every provider shares: repository names and paths,
 * CODEOWNERS, the validation of change input, and when a change request counts as approved.
 */
export * from './types';
export { CODEOWNERS_LOCATIONS, compilePattern, parseCodeOwners, ownersOf } from './codeOwners';
export type { CodeOwnersRule } from './codeOwners';
export {
  isValidRefName,
  validateBranchName,
  validateShortRef,
  validateRepoPath,
  gitNameRefusal,
  normalizePrefix,
  isSha,
} from './names';
export {
  DEFAULT_MAX_FILE_BYTES,
  validateOpenChangeInput,
  validateOpenChangeFromBranchInput,
} from './validateOpenChangeInput';
export { decideApproval, evaluateApproval } from './approvalRules';
export type { ApprovalEvaluation, ApprovalPolicy, OwnerDirectory, ReviewStance } from './approvalRules';
