export { mapLimited } from './mapLimited';
export { canonicalJson } from './canonicalJson';
export { BoundedMap } from './BoundedMap';
export type { BoundedMapOptions } from './BoundedMap';
