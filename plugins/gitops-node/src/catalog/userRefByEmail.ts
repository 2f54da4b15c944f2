/*
 * Who an email is in the catalog: the one User whose spec.profile.email it is. Used for the owner
 * of a Workspace (catalog module) and for the authors and CODEOWNERS entries of local
 * repositories (gitops backend), so both read an email the same way.
 */
import type { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** @public */
export interface UserRefByEmailOptions {
  catalog: Pick<CatalogService, 'getEntities'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  /** told the refs when several Users share the email, which then names none */
  onAmbiguous?: (refs: string[]) => void;
}

/**
 * The ref of the one User whose spec.profile.email is `email` (case-insensitive, surrounding
 * blanks ignored); undefined when there is none, or several (an email that names more than one
 * person names nobody).
 *
 * @public
 */
export async function userRefByEmail(
  email: string,
  options: UserRefByEmailOptions,
): Promise<string | undefined> {
  const key = email.trim().toLocaleLowerCase('en-US');
  if (!key) return undefined;
  const { items } = await options.catalog.getEntities(
    {
      filter: { kind: 'User', 'spec.profile.email': key },
      fields: ['kind', 'metadata.namespace', 'metadata.name'],
    },
    { credentials: await options.auth.getOwnServiceCredentials() },
  );
  const refs = [
    ...new Set(items.map(entity => stringifyEntityRef(entity))),
  ].sort();
  if (refs.length > 1) {
    options.onAmbiguous?.(refs);
    return undefined;
  }
  return refs[0];
}
