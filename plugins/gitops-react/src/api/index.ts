export type * from './types';
export { gitopsApiRef } from './GitopsApi';
export type { GitopsApi, GitopsRequestError } from './GitopsApi';
