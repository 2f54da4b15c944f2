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
import {
  SignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { useEffect, useState } from 'react';
import {
  fetchIdentityProviderStatus,
  type IdentityProviderStatus,
} from './identityProviderStatus';

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

/**
 * Sign-in configured from the management cluster's IdentityProvider (auth provider id `butler`,
 * plugins/auth-backend-module-butler-oidc). Offered when the backend reports it Ready.
 */
export const butlerAuthApiRef = createApiRef<
  OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi
>({ id: 'auth.butler-identity-provider' });

const butlerAuthApi = ApiBlueprint.make({
  name: 'butler-identity-provider',
  params: defineParams =>
    defineParams({
      api: butlerAuthApiRef,
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
          provider: {
            id: 'butler',
            title: 'Butler identity provider',
            icon: () => null,
          },
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

/**
 * The configured providers, with the IdentityProvider's first when the backend reports it
 * Ready; a broken or absent one leaves the others as they are (its reason is on the status page).
 */
export function signInProviders(
  names: string[] | undefined,
  status: IdentityProviderStatus | undefined,
): Array<SignInProviderConfig | 'guest'> {
  const configured = signInProvidersFromConfig(names);
  if (status?.phase !== 'Ready') return configured;
  return [
    {
      id: 'butler-auth-provider',
      title: status.name ? `Sign in with ${status.name}` : 'Butler SSO',
      message: `Through the cluster's identity provider${
        status.issuer ? ` (${status.issuer})` : ''
      }`,
      apiRef: butlerAuthApiRef,
    },
    ...configured,
  ];
}

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props => {
      const configApi = useApi(configApiRef);
      const discoveryApi = useApi(discoveryApiRef);
      const [status, setStatus] = useState<IdentityProviderStatus>();
      useEffect(() => {
        let live = true;
        // not read in time, or not at all: the configured providers are all there is
        fetchIdentityProviderStatus(discoveryApi, { timeoutMs: 15_000 }).then(
          s => live && setStatus(s),
          () => {},
        );
        return () => {
          live = false;
        };
      }, [discoveryApi]);
      const providers = signInProviders(
        configApi.getOptionalStringArray('butlerPortal.signIn.providers'),
        status,
      );
      // drawn at once with the configured providers; drawn anew (key) when the status adds
      // the IdentityProvider, as SignInPage checks each provider's session when it mounts
      return (
        <SignInPage key={providers.length} {...props} providers={providers} />
      );
    },
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [oidcAuthApi, butlerAuthApi, signInPage],
});
