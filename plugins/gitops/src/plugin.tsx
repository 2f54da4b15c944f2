import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
// ScmAuth (scmAuthApiRef) comes from the app: @backstage/plugin-app provides `api:app/scm-auth`,
// and a second factory for it stops the app at startup (API_FACTORY_CONFLICT)
import { scmAuthApiRef } from '@backstage/integration-react';
import CallMergeIcon from '@material-ui/icons/CallMerge';
import {
  changeRouteRef,
  gitopsApiRef,
  rootRouteRef,
} from '@butler-portal/plugin-gitops-react';
import { GitopsClient } from './api';
import {
  gitopsEntityContent,
  pendingChangesEntityCard,
  sourceEntityCard,
} from './entity';

const gitopsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gitopsApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        scmAuthApi: scmAuthApiRef,
      },
      factory: ({ discoveryApi, fetchApi, scmAuthApi }) =>
        new GitopsClient({ discoveryApi, fetchApi, scmAuthApi }),
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
