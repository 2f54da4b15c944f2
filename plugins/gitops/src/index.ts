/**
 * Butler Portal GitOps frontend: the Changes page (change requests with review, validation and
 * merge state, diffs, review and merge for the local provider), the reusable change list, and
 * the typed client of the gitops backend that other plugins use to open change requests.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
export * from './api';
export { changeRouteRef, rootRouteRef } from './routes';
export { ChangeList, ChangeTable } from './components/ChangeList';
export type {
  ChangeListProps,
  ChangeTableProps,
} from './components/ChangeList';
export { DiffView } from './components/DiffView';
