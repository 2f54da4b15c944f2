/*
 * Config keys the Butler Portal frontend adds.
 */
export interface Config {
  butlerPortal?: {
    signIn?: {
      /**
       * Sign-in providers offered on the sign-in page, in order. `guest` is the embedded
       * default; production uses `oidc` (the management cluster's IdentityProvider) or `github`.
       * @visibility frontend
       */
      providers?: Array<'guest' | 'github' | 'oidc'>;
    };
  };
}
