import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import DeveloperBoardIcon from '@material-ui/icons/DeveloperBoard';
import { ButlerRuntimeClient, butlerRuntimeApiRef } from './api';
import { chambersEntityCard } from './entity';
import {
  createWorkspaceRouteRef,
  rootRouteRef,
  workspaceRouteRef,
} from './routes';

const butlerRuntimeApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: butlerRuntimeApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ButlerRuntimeClient({ discoveryApi, fetchApi }),
    }),
});

/** The Workspaces page; its title and icon also make the sidebar item. */
const workspacesPage = PageBlueprint.make({
  params: {
    path: '/workspaces',
    routeRef: rootRouteRef,
    title: 'Workspaces',
    icon: <DeveloperBoardIcon fontSize="inherit" />,
    // each sub-page draws its own header
    noHeader: true,
    loader: () =>
      import('./components/WorkspacesPage').then(m => <m.WorkspacesPage />),
  },
});

export const workspacesPlugin = createFrontendPlugin({
  pluginId: 'workspaces',
  title: 'Workspaces',
  icon: <DeveloperBoardIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    create: createWorkspaceRouteRef,
    workspace: workspaceRouteRef,
  },
  extensions: [butlerRuntimeApi, workspacesPage, chambersEntityCard],
});
