import { createFrontendPlugin, PageBlueprint } from '@backstage/frontend-plugin-api';
import TimelineIcon from '@material-ui/icons/Timeline';
import { pipelineEntityContent } from './entity/extensions';
import {
  createPipelineRouteRef,
  editPipelineRouteRef,
  pipelineRouteRef,
  rootRouteRef,
} from './routes';

/** The Pipelines page; its title and icon also make the sidebar item. */
const pipelinesPage = PageBlueprint.make({
  params: {
    path: '/pipelines',
    routeRef: rootRouteRef,
    title: 'Pipelines',
    icon: <TimelineIcon fontSize="inherit" />,
    noHeader: true,
    loader: () => import('./components/PipelinesPage').then(m => <m.PipelinesPage />),
  },
});

export const pipelinePlugin = createFrontendPlugin({
  pluginId: 'pipeline',
  title: 'Pipelines',
  icon: <TimelineIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    create: createPipelineRouteRef,
    pipeline: pipelineRouteRef,
    edit: editPipelineRouteRef,
  },
  extensions: [pipelinesPage, pipelineEntityContent],
});
