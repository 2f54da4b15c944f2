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
 */
import { ConfigReader, type Config } from '@backstage/config';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
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
export function providerConfigOf(settings: OidcSettings): Config {
  const env = {
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
          })({ ...options, config: providerConfigOf(settings) }),
        };
      }
      return built.handlers;
    };
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
      async logout(req, res) {
        const h = current();
        if (h?.logout) return h.logout(req, res);
        res.status(200).end();
        return undefined;
      },
    };
  };
}
