/*
 * The `butler` auth provider: Backstage's OIDC authenticator, configured from the
 * IdentityProvider (IdentityProviderSource) and rebuilt when it changes, so a new client, issuer
 * or rotated secret counts from the next sign-in without a restart. Configuration wins: when
 * `auth.providers.butler.<env>` holds `clientId`, the app-config settings are used as they are.
 * While there is no usable IdentityProvider the provider's routes answer 503 with the reason;
 * other providers are untouched.
 *
 * Sign-in: the email from the IdentityProvider's `emailClaim` is matched to a catalog User's
 * `spec.profile.email`; the groups of `groupsClaim` join the user's ownership as
 * `group:default/<group>` (what Team spec.access.groups and the permission policy match).
 * With `hostedDomain`, emails outside it are refused.
 *
 * Sessions: the provider's refresh token lives in Backstage's cookie for `sessionDuration`
 * (`auth.providers.butler.sessionDuration`, default DEFAULT_SESSION_DURATION; Backstage's own
 * default is 1000 days). Logout always removes that cookie: with the settings gone it revokes
 * the token through the last settings it had, and removes the cookie even when it had none.
 */
import {
  ConfigReader,
  readDurationFromConfig,
  type Config,
  type JsonValue,
} from '@backstage/config';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  createOAuthAuthenticator,
  createOAuthProviderFactory,
  type AuthProviderFactory,
  type AuthProviderRouteHandlers,
  type SignInResolver,
  type OAuthAuthenticatorResult,
} from '@backstage/plugin-auth-node';
import {
  oidcAuthenticator,
  type OidcAuthResult,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import type { IdentityProviderStatus } from '../identityProvider/IdentityProviderSource';
import type { OidcSettings } from '../identityProvider/oidcSettings';

/** the environments the app signs in with (`?env=` of the auth routes) */
const ENVIRONMENTS = ['development', 'production'];

/**
 * How long the refresh-token cookie lives unless app-config says otherwise: a working day and a
 * night, so a session does not outlive its user's day (Backstage's default is 1000 days).
 */
export const DEFAULT_SESSION_DURATION = { hours: 24 };

function claimsOf(
  result: OAuthAuthenticatorResult<OidcAuthResult>,
): Record<string, unknown> {
  const r = result.fullProfile as unknown as OidcAuthResult;
  let idClaims: Record<string, unknown> = {};
  try {
    idClaims = (r.tokenset?.claims?.() ?? {}) as Record<string, unknown>;
  } catch {
    idClaims = {};
  }
  return { ...idClaims, ...((r.userinfo ?? {}) as Record<string, unknown>) };
}

/** The sign-in resolver of an IdentityProvider's settings. */
export function butlerSignInResolver(
  settings: Pick<OidcSettings, 'emailClaim' | 'groupsClaim' | 'hostedDomain'>,
): SignInResolver<OAuthAuthenticatorResult<OidcAuthResult>> {
  return async (info, ctx) => {
    const claims = claimsOf(info.result);
    const email = claims[settings.emailClaim];
    if (typeof email !== 'string' || !email.includes('@')) {
      throw new Error(
        `the identity provider gave no email in the claim "${settings.emailClaim}"`,
      );
    }
    if (
      settings.hostedDomain &&
      email.toLowerCase().split('@')[1] !== settings.hostedDomain.toLowerCase()
    ) {
      throw new Error(`${email} is not in the domain ${settings.hostedDomain}`);
    }
    const { entity } = await ctx.findCatalogUser({
      filter: { 'spec.profile.email': email },
    });
    const { ownershipEntityRefs } = await ctx.resolveOwnershipEntityRefs(
      entity,
    );
    const groups = settings.groupsClaim
      ? claims[settings.groupsClaim]
      : undefined;
    const groupRefs = (Array.isArray(groups) ? groups : [])
      .filter(
        (g): g is string =>
          typeof g === 'string' && /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/.test(g),
      )
      .map(g => `group:default/${g.toLowerCase()}`);
    const sub = stringifyEntityRef(entity);
    return ctx.issueToken({
      claims: {
        sub,
        ent: [...new Set([sub, ...ownershipEntityRefs, ...groupRefs])],
      },
    });
  };
}

/** The provider config Backstage's OAuth factory reads, one entry per environment. */
export function providerConfigOf(
  settings: OidcSettings,
  sessionDuration: JsonValue = DEFAULT_SESSION_DURATION,
): Config {
  const env = {
    sessionDuration,
    metadataUrl: settings.metadataUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    additionalScopes: settings.scopes,
    // let the identity provider ask for a login when there is no session (Backstage's default,
    // prompt=none, fails with login_required for anyone not already signed in there)
    prompt: 'auto',
    ...(settings.hostedDomain && {
      startUrlSearchParams: { hd: settings.hostedDomain },
    }),
  };
  return new ConfigReader(Object.fromEntries(ENVIRONMENTS.map(e => [e, env])));
}

function hasStaticSettings(config: Config): boolean {
  // environments are the keys holding objects; other keys (identityProvider...) are ours
  return config.keys().some(k => {
    const v = config.getOptional(k);
    return !!v && typeof v === 'object' && 'clientId' in (v as object);
  });
}

/** What the provider needs of IdentityProviderSource (or of "no cluster configured"). */
export interface SettingsSource {
  settings(): OidcSettings | undefined;
  status(): IdentityProviderStatus;
}

export function createButlerOidcProviderFactory(
  source: SettingsSource,
): AuthProviderFactory {
  return options => {
    // app-config wins when it configures the provider itself
    if (hasStaticSettings(options.config)) {
      return createOAuthProviderFactory({
        authenticator: oidcAuthenticator,
        signInResolver: butlerSignInResolver({
          emailClaim: 'email',
          groupsClaim: 'groups',
        }),
      })(options);
    }
    // validated at start: a wrong value fails the backend's start naming the key
    const sessionDuration: JsonValue = options.config.has('sessionDuration')
      ? (readDurationFromConfig(options.config, {
          key: 'sessionDuration',
        }) as JsonValue)
      : DEFAULT_SESSION_DURATION;
    // the handlers of the latest settings; kept when the settings go, for logout
    let built: { key: string; handlers: AuthProviderRouteHandlers } | undefined;
    const current = (): AuthProviderRouteHandlers | undefined => {
      const settings = source.settings();
      if (!settings) return undefined;
      const key = JSON.stringify(settings);
      if (built?.key !== key) {
        built = {
          key,
          handlers: createOAuthProviderFactory({
            authenticator: oidcAuthenticator,
            signInResolver: butlerSignInResolver(settings),
          })({
            ...options,
            config: providerConfigOf(settings, sessionDuration),
          }),
        };
      }
      return built.handlers;
    };
    // Backstage's logout without an identity provider to tell: removes the session's cookies
    // as Backstage sets them (name, path, chunks), for when no settings were ever read or the
    // last ones cannot revoke
    const cookiesOnly = createOAuthProviderFactory({
      authenticator: createOAuthAuthenticator({
        defaultProfileTransform: async () => ({ profile: {} }),
        initialize: () => undefined,
        start: async () => {
          throw new Error('no identity provider');
        },
        authenticate: async () => {
          throw new Error('no identity provider');
        },
        refresh: async () => {
          throw new Error('no identity provider');
        },
      }),
    })({
      ...options,
      config: new ConfigReader(
        Object.fromEntries(ENVIRONMENTS.map(e => [e, { sessionDuration }])),
      ),
    });
    const unavailable = (res: any) =>
      res.status(503).json({
        error: {
          name: 'ServiceUnavailableError',
          message: `sign-in with the cluster's IdentityProvider is unavailable: ${
            source.status().reason ?? 'not read yet'
          }`,
        },
      });
    return {
      async start(req, res) {
        const h = current();
        return h ? h.start(req, res) : unavailable(res);
      },
      async frameHandler(req, res) {
        const h = current();
        return h ? h.frameHandler(req, res) : unavailable(res);
      },
      async refresh(req, res) {
        const h = current();
        if (!h) return unavailable(res);
        return h.refresh ? h.refresh(req, res) : unavailable(res);
      },
      // a user who signs out is signed out, whatever the IdentityProvider's state: the token
      // revoked when some settings (the current, else the last) can, the cookie removed always
      async logout(req, res) {
        const h = current() ?? built?.handlers;
        if (h?.logout) {
          try {
            return await h.logout(req, res);
          } catch (error) {
            // an issuer that cannot be reached must not keep the session; a refused request
            // (header, origin, env) is refused again below, by the same checks
            if (res.headersSent) throw error;
            options.logger.warn(
              `sign-out: the refresh token was not revoked (${error}); removing the session cookie`,
            );
          }
        }
        return cookiesOnly.logout!(req, res);
      },
    };
  };
}
