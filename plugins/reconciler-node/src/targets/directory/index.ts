export { DirectoryTarget } from './DirectoryTarget';
export type { DirectoryTargetOptions } from './DirectoryTarget';
