/*
 * Test helper: what `butler-gitops validate` must report for a file of gitops-common's invalid
 * corpus that declares a Pipeline — Herald's first located error (validatePipeline's own
 * message, often more specific than the generic one the corpus records), and how many.
 */
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import { isPipelineFile } from './pipelineCheck';

export function heraldExpectation(
  text: string,
  file?: string,
):
  | {
      path: string;
      line: number;
      column: number;
      messageIncludes: string;
      issueCount: number;
    }
  | undefined {
  if (!isPipelineFile(text)) return undefined;
  const { errors } = validatePipeline(text, file ? { file } : {});
  if (errors.length === 0) return undefined;
  const [first] = errors;
  return {
    path: first.path,
    line: first.line,
    column: first.column,
    messageIncludes: first.message,
    issueCount: errors.length,
  };
}
