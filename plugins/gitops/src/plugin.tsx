import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import CallMergeIcon from '@material-ui/icons/CallMerge';
import { GitopsClient, gitopsApiRef } from './api';
import {
  gitopsEntityContent,
  pendingChangesEntityCard,
  sourceEntityCard,
} from './entity';
import { changeRouteRef, rootRouteRef } from './routes';

const gitopsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GitopsClient({ discoveryApi, fetchApi }),
    }),
});

/** The Changes page; its title and icon also make the sidebar item. */
const changesPage = PageBlueprint.make({
  params: {
    path: '/changes',
    routeRef: rootRouteRef,
    title: 'Changes',
    icon: <CallMergeIcon fontSize="inherit" />,
    // the page draws its own header (title, subtitle, state of the change)
    noHeader: true,
    loader: () =>
      import('./components/ChangesPage').then(m => <m.ChangesPage />),
  },
});

export const gitopsPlugin = createFrontendPlugin({
  pluginId: 'gitops',
  title: 'Changes',
  icon: <CallMergeIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef, change: changeRouteRef },
  extensions: [
    gitopsApi,
    changesPage,
    gitopsEntityContent,
    pendingChangesEntityCard,
    sourceEntityCard,
  ],
});
