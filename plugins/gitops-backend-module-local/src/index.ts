/*
 * The local Git provider: bare repositories on disk with change requests stored in the
 * repository itself, plus Git smart HTTP so the real git client can clone and push.
 */
export { LocalGitProvider } from './LocalGitProvider';
export type { LocalGitProviderOptions, PushedRef } from './LocalGitProvider';
export { ensureLocalRepository, SEED_COMMIT_DATE } from './ensureLocalRepository';
export type {
  EnsureLocalRepositoryOptions,
  EnsureLocalRepositoryResult,
} from './ensureLocalRepository';
export { createSmartHttpHandler } from './smartHttp';
export type { SmartHttpHandler, SmartHttpOptions } from './smartHttp';

export { gitopsModuleLocalProvider as default } from './module';
export { localProviderFactory, PORTAL_SIGNATURE } from './localProviderFactory';
