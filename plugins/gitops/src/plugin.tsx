import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { ScmAuth, scmAuthApiRef } from '@backstage/integration-react';
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
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        scmAuthApi: scmAuthApiRef,
      },
      factory: ({ discoveryApi, fetchApi, scmAuthApi }) =>
        new GitopsClient({ discoveryApi, fetchApi, scmAuthApi }),
    }),
});

/**
 * ScmAuth over the app's GitHub, GitLab, Azure and Bitbucket sign-in: the new frontend system's
 * app does not provide it, and the client needs it to act on GitHub/GitLab as the user.
 */
const scmAuthApi = ApiBlueprint.make({
  name: 'scm-auth',
  params: defineParams => defineParams(ScmAuth.createDefaultApiFactory()),
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
    scmAuthApi,
    changesPage,
    gitopsEntityContent,
    pendingChangesEntityCard,
    sourceEntityCard,
  ],
});
