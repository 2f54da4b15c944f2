import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The Workspaces page (`/workspaces`): my workspaces, or all of them. */
export const rootRouteRef = createRouteRef();

/** The create form (`/workspaces/create`). */
export const createWorkspaceRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/create',
});

/** One workspace (`/workspaces/:namespace/:name`). */
export const workspaceRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:namespace/:name',
});
