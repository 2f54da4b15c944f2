import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The Pipeline tab on Pipeline entities: graph and rendered Vector configuration. */
export const pipelineEntityContent = EntityContentBlueprint.make({
  name: 'pipeline',
  params: {
    path: 'pipeline',
    title: 'Pipeline',
    filter: 'kind:pipeline',
    loader: () => import('./PipelineEntityContent').then(m => <m.PipelineEntityContent />),
  },
});
