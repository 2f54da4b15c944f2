import {
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import VpnKeyIcon from '@material-ui/icons/VpnKey';

/** `/identity-provider`: the status of sign-in from the cluster's IdentityProvider. */
const identityProviderPage = PageBlueprint.make({
  name: 'identity-provider',
  params: {
    path: '/identity-provider',
    title: 'Identity provider',
    icon: <VpnKeyIcon fontSize="inherit" />,
    // the page draws its own header
    noHeader: true,
    loader: () =>
      import('./IdentityProviderPage').then(m => <m.IdentityProviderPage />),
  },
});

export const identityProviderModule = createFrontendModule({
  pluginId: 'app',
  extensions: [identityProviderPage],
});
