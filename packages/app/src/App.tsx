import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';
import { identityProviderModule } from './modules/identityProvider';

/*
 * Features are discovered from this package's dependencies (app.packages: all in
 * app-config.yaml); the catalog is named here because it is the landing page.
 */
export default createApp({
  features: [
    catalogPlugin,
    navModule,
    homeModule,
    signInModule,
    identityProviderModule,
  ],
});
