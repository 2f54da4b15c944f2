import {
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

/*
 * `/` is the portal's home page (plugins/butler): my workspaces, my open changes and the
 * reviews waiting for me, my teams' clusters, recent registry versions and pipelines.
 */
const landingPage = PageBlueprint.make({
  name: 'landing',
  params: {
    path: '/',
    loader: () =>
      import('@butler-portal/plugin-butler').then(m => <m.HomePage />),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [landingPage],
});
