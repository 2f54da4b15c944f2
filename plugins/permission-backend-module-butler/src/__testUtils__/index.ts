export { authWithActor, userInfoWithGroups } from './services';
