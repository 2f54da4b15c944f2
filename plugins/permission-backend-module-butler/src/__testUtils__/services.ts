/*
 * Services for test backends that ask the real permission backend and this module's policy on
 * behalf of mock users: used by the role x action matrix and by other packages' tests that read
 * through the policy (the catalog's GitOps entities), via this package's `testUtils` entry.
 */
import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

/**
 * Backstage's mock auth, except that a plugin's token on behalf of a user authenticates as that
 * user with the plugin as actor, as the real auth service does. The permission backend needs
 * the actor to tell a plugin's conditional query (allowed) from a user's direct request for a
 * resource permission without a resourceRef (refused); the mock drops it.
 */
const SERVICE_TOKEN_PREFIX = 'mock-service-token:';
export const authWithActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(inner), {
      async authenticate(token: string, options?: any) {
        const credentials = await inner.authenticate(token, options);
        if (token.startsWith(SERVICE_TOKEN_PREFIX)) {
          const { sub, obo } = JSON.parse(
            token.slice(SERVICE_TOKEN_PREFIX.length),
          );
          if (obo)
            return mockCredentials.user(obo, { actor: { subject: sub } });
        }
        return credentials;
      },
    });
  },
});

/** userInfo naming `groups[user]` as the user's ownership refs (the Groups they belong to) */
export function userInfoWithGroups(groups: Record<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials: any) {
        const ref = credentials.principal.userEntityRef as string;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
        };
      },
    }),
  });
}
