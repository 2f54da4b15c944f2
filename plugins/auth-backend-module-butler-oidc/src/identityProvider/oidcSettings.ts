/*
 * An IdentityProvider (butler.butlerlabs.dev/v1alpha1, cluster-scoped, `type: oidc`) as the
 * settings of Backstage's OIDC authenticator. Field by field (vendor/butler-crds):
 *   spec.oidc.issuerURL        → metadataUrl `<issuer>/.well-known/openid-configuration`
 *   spec.oidc.clientID         → clientId
 *   spec.oidc.clientSecretRef  → clientSecret, from the Secret's `key` (default `client-secret`,
 *                                else its only key); namespace defaults to `butler-system`
 *   spec.oidc.scopes           → scopes (default openid, email, profile), plus offline_access
 *                                (withOfflineAccess: the provider's refresh token keeps the session)
 *   spec.oidc.emailClaim       → the claim the sign-in resolver reads (default `email`)
 *   spec.oidc.groupsClaim      → the claim of group memberships (default `groups`, "" = none)
 *   spec.oidc.hostedDomain     → `hd` on the authorization request, and emails outside it refused
 * A problem is a reason naming the object and the field, never a crash: the status route shows
 * it and the other sign-in methods keep working.
 */

export interface OidcSettings {
  /** the IdentityProvider's name */
  name: string;
  displayName?: string;
  issuer: string;
  metadataUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  emailClaim: string;
  groupsClaim?: string;
  hostedDomain?: string;
}

/**
 * The scope that asks the identity provider for a refresh token (OIDC Core §11). Backstage keeps
 * that token in its httpOnly refresh cookie and renews the session with it (/refresh), so a
 * signed-in user stays signed in across page loads and past the Backstage token's expiry.
 */
export const OFFLINE_ACCESS = 'offline_access';

/**
 * The CR's scopes with offline_access added, unless the issuer's discovery document lists the
 * scopes it supports without it (Google: it refuses an unknown scope and has its own
 * access_type=offline instead). Listed in spec.oidc.scopes, it is asked for whatever the document
 * says; the CRD has no field to refuse refresh tokens.
 */
export function withOfflineAccess(
  scopes: string[],
  scopesSupported?: unknown,
): string[] {
  if (scopes.includes(OFFLINE_ACCESS)) return scopes;
  if (
    Array.isArray(scopesSupported) &&
    !scopesSupported.includes(OFFLINE_ACCESS)
  )
    return scopes;
  return [...scopes, OFFLINE_ACCESS];
}

export type SettingsResult =
  | { ok: true; settings: OidcSettings }
  | { ok: false; name?: string; reason: string };

/** reads a Secret's data (base64 values) or undefined when it does not exist */
export type SecretReader = (
  namespace: string,
  name: string,
) => Promise<Record<string, string> | undefined>;

export const DEFAULT_SECRET_NAMESPACE = 'butler-system';
export const DEFAULT_SECRET_KEY = 'client-secret';

const str = (v: unknown) =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;

export async function toOidcSettings(
  idp: Record<string, any>,
  readSecret: SecretReader,
): Promise<SettingsResult> {
  const name = String(idp?.metadata?.name ?? '');
  const at = (field: string) => `IdentityProvider ${name}: ${field}`;
  const fail = (field: string, why: string): SettingsResult => ({
    ok: false,
    name,
    reason: `${at(field)} ${why}`,
  });
  if (idp?.spec?.type !== 'oidc')
    return fail(
      'spec.type',
      `is ${JSON.stringify(idp?.spec?.type)}, not "oidc"`,
    );
  const oidc = idp.spec.oidc;
  if (!oidc || typeof oidc !== 'object')
    return fail('spec.oidc', 'is required when type is oidc');
  const issuer = str(oidc.issuerURL);
  if (!issuer) return fail('spec.oidc.issuerURL', 'is required');
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    return fail(
      'spec.oidc.issuerURL',
      `${JSON.stringify(issuer)} is not a URL`,
    );
  }
  if (issuerUrl.protocol !== 'https:' && issuerUrl.protocol !== 'http:') {
    return fail('spec.oidc.issuerURL', 'must be an http(s) URL');
  }
  const clientId = str(oidc.clientID);
  if (!clientId) return fail('spec.oidc.clientID', 'is required');
  const ref = oidc.clientSecretRef;
  const secretName = str(ref?.name);
  if (!secretName) return fail('spec.oidc.clientSecretRef.name', 'is required');
  const secretNamespace = str(ref?.namespace) ?? DEFAULT_SECRET_NAMESPACE;
  let data: Record<string, string> | undefined;
  try {
    data = await readSecret(secretNamespace, secretName);
  } catch (e) {
    return fail(
      'spec.oidc.clientSecretRef',
      `Secret ${secretNamespace}/${secretName} cannot be read: ${
        (e as Error).message
      }`,
    );
  }
  if (!data)
    return fail(
      'spec.oidc.clientSecretRef',
      `Secret ${secretNamespace}/${secretName} not found`,
    );
  const key = str(ref?.key);
  const keys = Object.keys(data);
  // the CRD: "The Secret must contain a key named client-secret"; a Secret of one key also works
  let chosen = key;
  if (!chosen && keys.includes(DEFAULT_SECRET_KEY)) chosen = DEFAULT_SECRET_KEY;
  if (!chosen && keys.length === 1) chosen = keys[0];
  if (!chosen || !data[chosen]) {
    return fail(
      'spec.oidc.clientSecretRef.key',
      `Secret ${secretNamespace}/${secretName} has no key ${JSON.stringify(
        chosen ?? key ?? DEFAULT_SECRET_KEY,
      )}`,
    );
  }
  const clientSecret = Buffer.from(data[chosen], 'base64')
    .toString('utf8')
    .trim();
  if (!clientSecret)
    return fail(
      'spec.oidc.clientSecretRef',
      `the client secret in ${secretNamespace}/${secretName} is empty`,
    );
  const scopes = Array.isArray(oidc.scopes)
    ? oidc.scopes.filter(
        (s: unknown): s is string => typeof s === 'string' && !!s.trim(),
      )
    : [];
  const groupsClaim =
    typeof oidc.groupsClaim === 'string' ? oidc.groupsClaim.trim() : 'groups';
  return {
    ok: true,
    settings: {
      name,
      ...(str(idp.spec.displayName) && {
        displayName: str(idp.spec.displayName),
      }),
      issuer: issuer.replace(/\/$/, ''),
      metadataUrl: `${issuer.replace(
        /\/$/,
        '',
      )}/.well-known/openid-configuration`,
      clientId,
      clientSecret,
      scopes: scopes.length ? scopes : ['openid', 'email', 'profile'],
      emailClaim: str(oidc.emailClaim) ?? 'email',
      ...(groupsClaim && { groupsClaim }),
      ...(str(oidc.hostedDomain) && { hostedDomain: str(oidc.hostedDomain) }),
    },
  };
}
