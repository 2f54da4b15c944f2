/**
 * Butler Portal GitOps web library: what other frontend plugins need to open and show change
 * requests without depending on the gitops plugin itself — the `gitopsApiRef` and its interface,
 * the REST types (defined in plugin-gitops-common, shared with the backend), the Changes page
 * route refs, and the change status displays.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './changes';
export { changePathParam, changeRouteRef, rootRouteRef } from './routes';
export * from './components/status';
export { ChangeLink, useChangeHref } from './components/ChangeLink';
