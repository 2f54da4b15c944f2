export * from './types';
export { gitopsApiRef } from './GitopsApi';
export type { GitopsApi } from './GitopsApi';
export { GitopsClient } from './GitopsClient';
export { formatIssue, gitopsRequestError } from './requestError';
export type { GitopsRequestError } from './requestError';
