/**
 * Butler Portal: OIDC sign-in configured from the management cluster's IdentityProvider.
 *
 * @packageDocumentation
 */
export { authModuleButlerOidc as default } from './module';
export { toOidcSettings } from './identityProvider/oidcSettings';
export type { OidcSettings } from './identityProvider/oidcSettings';
export { IdentityProviderSource } from './identityProvider/IdentityProviderSource';
export type { IdentityProviderStatus } from './identityProvider/IdentityProviderSource';
export { butlerSignInResolver } from './provider/butlerOidcProvider';
