import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The Registry page (`/registry`): every artifact, searchable. */
export const rootRouteRef = createRouteRef();

/** Registry tokens (`/registry/tokens`). */
export const tokensRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/tokens',
});

/** One artifact (`/registry/:namespace/:name`). */
export const artifactRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:namespace/:name',
});
