import {
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Navigate } from 'react-router-dom';

/*
 * The portal has no dashboard of its own yet: `/` sends people to the catalog, where their
 * workspaces, artifacts and pipelines appear.
 */
const landingPage = PageBlueprint.make({
  name: 'landing',
  params: {
    path: '/',
    loader: async () => <Navigate to="/catalog" replace />,
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [landingPage],
});
