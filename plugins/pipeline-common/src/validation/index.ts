export {
  validatePipeline,
  type PipelineValidationOptions,
  type PipelineValidationResult,
} from './validatePipeline';
export { SECRET_REFERENCE } from './inlineSecrets';
export type { IssueSeverity, PipelineIssue, PipelineRule } from './types';
export { issueTarget, type IssueTarget } from './issueTarget';
