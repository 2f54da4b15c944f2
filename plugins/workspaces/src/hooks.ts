/*
 * Data the pages share: who the user is (by email, as Workspace spec.owner holds it), the
 * plugin's config, and whether live status is available.
 */
import {
  configApiRef,
  identityApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { butlerRuntimeApiRef } from './api';
import { DEFAULT_SSH_USER } from './lib/connect';

export interface CurrentUser {
  userEntityRef: string;
  /** from the catalog User entity's profile, else the sign-in profile */
  email?: string;
}

/** The signed-in user's entity ref and email (catalog User `spec.profile.email`). */
export function useCurrentUser() {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async (): Promise<CurrentUser> => {
    const { userEntityRef } = await identityApi.getBackstageIdentity();
    let email: string | undefined;
    try {
      const user = await catalogApi.getEntityByRef(userEntityRef);
      email = (user?.spec as any)?.profile?.email;
    } catch {
      // the catalog may not hold the user (guest sign-in); the sign-in profile is next best
    }
    if (!email) {
      email = (await identityApi.getProfileInfo()).email;
    }
    return { userEntityRef, email };
  }, [identityApi, catalogApi]);
}

export function useWorkspacesConfig() {
  const config = useApi(configApiRef);
  return {
    defaultCluster: config.getOptionalString('workspaces.defaultCluster'),
    sshUser:
      config.getOptionalString('workspaces.ssh.user') ?? DEFAULT_SSH_USER,
  };
}

/** Whether the butler backend can report live status; never an error (see ButlerRuntimeApi). */
export function useRuntimeAvailability() {
  const runtimeApi = useApi(butlerRuntimeApiRef);
  return useAsync(() => runtimeApi.getAvailability(), [runtimeApi]);
}
