/*
 * The repository's plain-JS scripts under scripts/ (the toolchain behind `npm start` and
 * `npm test`). They belong to no package, so they are loaded by path; their types come from
 * the files themselves.
 */
import path from 'path';
import { REPO_ROOT } from './repoRoot';

function script<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(REPO_ROOT, 'scripts', name));
}

export const installLock =
  script<typeof import('../../../scripts/installLock')>('installLock.js');
export const fetchPackageScript =
  script<typeof import('../../../scripts/fetchPackage')>('fetchPackage.js');
export const nodeRelease =
  script<typeof import('../../../scripts/nodeRelease')>('nodeRelease.js');
export const yarnRelease =
  script<typeof import('../../../scripts/yarnRelease')>('yarnRelease.js');
export const chromium =
  script<typeof import('../../../scripts/chromium')>('chromium.js');
