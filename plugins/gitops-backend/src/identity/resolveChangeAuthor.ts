/*
 * The signed-in user as the author of a commit: name and email from their catalog User entity
 * (spec.profile.displayName / email). What is missing is made up sensibly and said out loud in
 * the change description, so nobody mistakes a placeholder for a real address.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import type { ChangeAuthor } from '@butler-portal/plugin-gitops-node';
import type { CatalogDirectory } from './catalogDirectory';

/** `.invalid` is reserved (RFC 2606): a placeholder address can never reach anyone. */
export const PLACEHOLDER_EMAIL_DOMAIN = 'users.butler-portal.invalid';

export async function resolveChangeAuthor(
  userEntityRef: string,
  directory: Pick<CatalogDirectory, 'entity'>,
): Promise<ChangeAuthor> {
  const ref = parseEntityRef(userEntityRef, {
    defaultKind: 'user',
    defaultNamespace: 'default',
  });
  const notes: string[] = [];
  let entity;
  try {
    entity = await directory.entity(userEntityRef);
  } catch (error) {
    notes.push(
      `the catalog could not be asked about ${userEntityRef} (${error}); name and email are placeholders.`,
    );
  }
  const profile = (entity?.spec?.profile ?? {}) as {
    displayName?: unknown;
    email?: unknown;
  };
  const profileName =
    typeof profile.displayName === 'string' && profile.displayName.trim()
      ? profile.displayName.trim()
      : undefined;
  const title =
    typeof entity?.metadata.title === 'string' && entity.metadata.title.trim()
      ? entity.metadata.title.trim()
      : undefined;
  const email =
    typeof profile.email === 'string' && profile.email.trim()
      ? profile.email.trim()
      : undefined;
  const name = profileName ?? title ?? ref.name;
  const placeholder = `${ref.name}@${ref.namespace}.${PLACEHOLDER_EMAIL_DOMAIN}`;

  if (!entity && notes.length === 0) {
    notes.push(
      `there is no User entity ${userEntityRef} in the catalog; the commit is authored as ${name} <${placeholder}>.`,
    );
  } else if (entity && (!profileName || !email)) {
    const missing = [
      !profileName && 'spec.profile.displayName',
      !email && 'spec.profile.email',
    ].filter(Boolean);
    notes.push(
      `the catalog User entity ${userEntityRef} has no ${missing.join(
        ' and ',
      )}; the commit is authored as ${name} <${email ?? placeholder}>.`,
    );
  }
  return {
    actor: { userRef: userEntityRef, name, email: email ?? placeholder },
    ...(notes.length > 0 && { notes }),
  };
}
