import {
  ApiBlueprint,
  createApiRef,
  createFrontendModule,
  configApiRef,
  discoveryApiRef,
  oauthRequestApiRef,
  useApi,
  type BackstageIdentityApi,
  type OpenIdConnectApi,
  type ProfileInfoApi,
  type SessionApi,
} from '@backstage/frontend-plugin-api';
import { githubAuthApiRef } from '@backstage/core-plugin-api';
import { OAuth2 } from '@backstage/core-app-api';
import { SignInPage, type SignInProviderConfig } from '@backstage/core-components';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/** OIDC sign-in against the management cluster's IdentityProvider (auth provider id `oidc`). */
export const oidcAuthApiRef = createApiRef<
  OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi
>({ id: 'auth.butler-oidc' });

const oidcAuthApi = ApiBlueprint.make({
  name: 'butler-oidc',
  params: defineParams =>
    defineParams({
      api: oidcAuthApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        oauthRequestApi: oauthRequestApiRef,
        configApi: configApiRef,
      },
      factory: ({ discoveryApi, oauthRequestApi, configApi }) =>
        OAuth2.create({
          configApi,
          discoveryApi,
          oauthRequestApi,
          provider: { id: 'oidc', title: 'Butler SSO', icon: () => null },
          environment: configApi.getOptionalString('auth.environment'),
          defaultScopes: ['openid', 'profile', 'email'],
        }),
    }),
});

const PROVIDERS: Record<string, SignInProviderConfig | 'guest'> = {
  guest: 'guest',
  github: {
    id: 'github-auth-provider',
    title: 'GitHub',
    message: 'Sign in with your GitHub account',
    apiRef: githubAuthApiRef,
  },
  oidc: {
    id: 'oidc-auth-provider',
    title: 'Butler SSO',
    message: 'Sign in through the platform identity provider',
    apiRef: oidcAuthApiRef,
  },
};

/** Reads `butlerPortal.signIn.providers`; the embedded default offers guest only. */
export function signInProvidersFromConfig(
  names: string[] | undefined,
): Array<SignInProviderConfig | 'guest'> {
  const picked = (names ?? ['guest']).map(n => PROVIDERS[n]).filter(Boolean);
  return picked.length ? picked : ['guest'];
}

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props => {
      const configApi = useApi(configApiRef);
      const providers = signInProvidersFromConfig(
        configApi.getOptionalStringArray('butlerPortal.signIn.providers'),
      );
      return <SignInPage {...props} providers={providers} />;
    },
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [oidcAuthApi, signInPage],
});
