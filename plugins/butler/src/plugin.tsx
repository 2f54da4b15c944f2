import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import CloudIcon from '@material-ui/icons/Cloud';
import { ButlerClustersClient, butlerClustersApiRef } from './api';
import { rootRouteRef } from './routes';

const butlerClustersApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: butlerClustersApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ButlerClustersClient({ discoveryApi, fetchApi }),
    }),
});

/** The Clusters pages; title and icon also make the sidebar item. */
const clustersPage = PageBlueprint.make({
  params: {
    path: '/butler',
    routeRef: rootRouteRef,
    title: 'Clusters',
    icon: <CloudIcon fontSize="inherit" />,
    noHeader: true,
    loader: () => import('./components/ButlerPage').then(m => <m.ButlerPage />),
  },
});

export const butlerPlugin = createFrontendPlugin({
  pluginId: 'butler',
  title: 'Clusters',
  icon: <CloudIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [butlerClustersApi, clustersPage],
});
