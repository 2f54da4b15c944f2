import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The Pipelines page (`/pipelines`). */
export const rootRouteRef = createRouteRef();

/** The editor for a new pipeline (`/pipelines/create`). */
export const createPipelineRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/create',
});

/** One pipeline (`/pipelines/:namespace/:name`). */
export const pipelineRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:namespace/:name',
});

/** The editor for an existing pipeline (`/pipelines/:namespace/:name/edit`). */
export const editPipelineRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:namespace/:name/edit',
});
