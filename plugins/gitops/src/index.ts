/**
 * Butler Portal GitOps frontend: the Changes page (change requests with review, validation and
 * merge state, diffs, review and merge for the local provider), the reusable change list, and
 * the HTTP client of the gitops backend. The API ref, its interface, the REST types and the
 * route refs other plugins use live in @butler-portal/plugin-gitops-react.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
export * from './api';
export { ChangeList, ChangeTable } from './components/ChangeList';
export type {
  ChangeListProps,
  ChangeTableProps,
} from './components/ChangeList';
export { DiffView } from './components/DiffView';
