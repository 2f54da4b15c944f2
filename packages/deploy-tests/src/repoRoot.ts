import path from 'path';

/** the repository's root: the deploy artifacts are tested where they live, not copied */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
