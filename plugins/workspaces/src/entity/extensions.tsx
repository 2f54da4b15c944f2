import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The Chambers card on Workspace entities: live status, connect links, pending changes. */
export const chambersEntityCard = EntityCardBlueprint.make({
  name: 'chambers',
  params: {
    filter: 'kind:workspace',
    loader: () => import('./ChambersCard').then(m => <m.ChambersCard />),
  },
});
