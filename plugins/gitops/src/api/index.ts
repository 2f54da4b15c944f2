export { GitopsClient } from './GitopsClient';
