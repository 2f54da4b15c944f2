export { ChangeList } from './ChangeList';
export type { ChangeListProps } from './ChangeList';
export { ChangeTable } from './ChangeTable';
export type { ChangeTableProps } from './ChangeTable';
