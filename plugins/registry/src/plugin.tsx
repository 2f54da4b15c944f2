import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import LibraryBooksIcon from '@material-ui/icons/LibraryBooks';
import { RegistryClient, registryApiRef } from './api';
import { artifactRouteRef, rootRouteRef, tokensRouteRef } from './routes';

const registryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: registryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RegistryClient({ discoveryApi, fetchApi }),
    }),
});

/** The Registry page; its title and icon also make the sidebar item. */
const registryPage = PageBlueprint.make({
  params: {
    path: '/registry',
    routeRef: rootRouteRef,
    title: 'Registry',
    icon: <LibraryBooksIcon fontSize="inherit" />,
    // each sub-page draws its own header
    noHeader: true,
    loader: () =>
      import('./components/RegistryPage').then(m => <m.RegistryPage />),
  },
});

export const registryPlugin = createFrontendPlugin({
  pluginId: 'registry',
  title: 'Registry',
  icon: <LibraryBooksIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    artifact: artifactRouteRef,
    tokens: tokensRouteRef,
  },
  extensions: [registryApi, registryPage],
});
