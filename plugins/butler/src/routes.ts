import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Clusters pages (`/butler`). */
export const rootRouteRef = createRouteRef();
