export { createAuthorize, createResourceAuthorizer } from './authorize';
export type {
  Authorize,
  ResourceAuthorizer,
  ResourceMatcher,
  ResourcePredicate,
} from './authorize';
