export { mapLimited } from './mapLimited';
export { canonicalJson } from './canonicalJson';
