import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The Changes page (`/changes`). */
export const rootRouteRef = createRouteRef();

/** One change request; `id` is `<repository>:<number>`, URL-encoded by `changePathParam`. */
export const changeRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:id',
});

/** Route params are not encoded by the router; a change id holds a `:`. */
export const changePathParam = (id: string) => ({ id: encodeURIComponent(id) });
