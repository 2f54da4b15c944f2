export { mapLimited } from './mapLimited';
