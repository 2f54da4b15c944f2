export { createAuthorize } from './authorize';
export type { Authorize } from './authorize';
