export { ChangeListPage } from './ChangeListPage';
