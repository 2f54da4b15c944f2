import path from 'path';

/**
 * The repository's root: the deploy artifacts (chart, app-config files, scripts) are tested
 * where they live. This package is never built or shipped, so __dirname is where it stays.
 */
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../..');
