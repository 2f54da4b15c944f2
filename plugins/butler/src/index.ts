/**
 * Butler Portal clusters: the tenant cluster dashboard and pages, cluster and addon changes as
 * reviewed change requests, the addon catalog, teams, and the portal's home page (HomePage,
 * mounted at `/` by the app).
 *
 * @packageDocumentation
 */
export { butlerPlugin as default } from './plugin';
export * from './api';
export { rootRouteRef } from './routes';
export { HomePage } from './components/HomePage';
