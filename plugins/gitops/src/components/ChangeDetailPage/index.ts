export { ChangeDetailPage } from './ChangeDetailPage';
