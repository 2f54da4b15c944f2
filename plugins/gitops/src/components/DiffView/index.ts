export { DiffView } from './DiffView';
export { parseUnifiedDiff } from './parseUnifiedDiff';
export type { DiffLine, DiffLineType } from './parseUnifiedDiff';
