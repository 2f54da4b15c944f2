import {
  ApiBlueprint,
  type ApiRef,
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
  Progress,
  SignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { Typography } from '@material-ui/core';
import { useEffect, useMemo, useState } from 'react';
import {
  fetchIdentityProviderStatus,
  type IdentityProviderStatus,
} from './identityProviderStatus';
import {
  BUTLER_SIGN_IN_ID,
  restoreButlerSession,
  type RestoredSession,
} from './restoreSession';

type OidcAuthApi = OpenIdConnectApi &
  ProfileInfoApi &
  BackstageIdentityApi &
  SessionApi;

/** An OAuth2 (OIDC) sign-in API for one auth provider id of the backend. */
function oidcSignInApi(options: {
  name: string;
  api: ApiRef<OidcAuthApi>;
  provider: { id: string; title: string };
}) {
  return ApiBlueprint.make({
    name: options.name,
    params: defineParams =>
      defineParams({
        api: options.api,
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
            provider: { ...options.provider, icon: () => null },
            environment: configApi.getOptionalString('auth.environment'),
            defaultScopes: ['openid', 'profile', 'email'],
          }),
      }),
  });
}

/** OIDC sign-in configured in app-config (auth provider id `oidc`). */
export const oidcAuthApiRef = createApiRef<OidcAuthApi>({
  id: 'auth.butler-oidc',
});

const oidcAuthApi = oidcSignInApi({
  name: 'butler-oidc',
  api: oidcAuthApiRef,
  provider: { id: 'oidc', title: 'Butler SSO' },
});

/**
 * Sign-in configured from the management cluster's IdentityProvider (auth provider id `butler`,
 * plugins/auth-backend-module-butler-oidc). Offered when the backend reports it Ready.
 */
export const butlerAuthApiRef = createApiRef<OidcAuthApi>({
  id: 'auth.butler-identity-provider',
});

const butlerAuthApi = oidcSignInApi({
  name: 'butler-identity-provider',
  api: butlerAuthApiRef,
  provider: { id: 'butler', title: 'Butler identity provider' },
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
 * Ready (or its session was just renewed); a broken or absent one leaves the others as they are
 * (its reason is on the status page).
 */
export function signInProviders(
  names: string[] | undefined,
  status: IdentityProviderStatus | undefined,
  options: { renewed?: boolean } = {},
): Array<SignInProviderConfig | 'guest'> {
  const configured = signInProvidersFromConfig(names);
  if (status?.phase !== 'Ready' && !options.renewed) return configured;
  return [
    {
      id: BUTLER_SIGN_IN_ID,
      title: status?.name ? `Sign in with ${status.name}` : 'Butler SSO',
      message: `Through the cluster's identity provider${
        status?.issuer ? ` (${status.issuer})` : ''
      }`,
      apiRef: butlerAuthApiRef,
    },
    ...configured,
  ];
}

/** how long the sign-in page waits for the IdentityProvider's status before drawing without it */
const STATUS_WAIT_MS = 3_000;

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props => {
      const configApi = useApi(configApiRef);
      const discoveryApi = useApi(discoveryApiRef);
      const butlerAuth = useApi(butlerAuthApiRef);
      // undefined: still asking; null: no answer in time (or none at all)
      const [status, setStatus] = useState<IdentityProviderStatus | null>();
      useEffect(() => {
        let live = true;
        const settle = (s: IdentityProviderStatus | null) => {
          if (live) setStatus(prev => (prev === undefined ? s : prev));
        };
        const timer = setTimeout(() => settle(null), STATUS_WAIT_MS);
        fetchIdentityProviderStatus(discoveryApi, {
          timeoutMs: STATUS_WAIT_MS,
        }).then(settle, () => settle(null));
        return () => {
          live = false;
          clearTimeout(timer);
        };
      }, [discoveryApi]);
      // then a session with the IdentityProvider is renewed, or the page says why it is gone
      const [restored, setRestored] = useState<RestoredSession>();
      useEffect(() => {
        if (status === undefined) return undefined;
        let live = true;
        restoreButlerSession({
          storage: window.localStorage,
          status: status ?? undefined,
          renew: () => butlerAuth.getBackstageIdentity({ optional: true }),
        }).then(
          r => live && setRestored(r),
          () => live && setRestored({ renewed: false }),
        );
        return () => {
          live = false;
        };
      }, [status, butlerAuth]);
      // The providers are decided once per page and keep their identity: SignInPage restores the
      // stored session in an effect that depends on them, and a run cancelled by a new providers
      // value forgets the stored provider when its refresh returns, so the next page load would
      // land on the sign-in form (a session lost on reload).
      const providers = useMemo(
        () =>
          status === undefined || !restored
            ? undefined
            : signInProviders(
                configApi.getOptionalStringArray(
                  'butlerPortal.signIn.providers',
                ),
                status ?? undefined,
                { renewed: restored.renewed },
              ),
        [configApi, status, restored],
      );
      if (!providers) return <Progress />;
      return (
        <SignInPage
          {...props}
          providers={providers}
          {...(restored?.notice && {
            titleComponent: (
              <Typography role="alert" color="error">
                {restored.notice}
              </Typography>
            ),
          })}
        />
      );
    },
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [oidcAuthApi, butlerAuthApi, signInPage],
});
