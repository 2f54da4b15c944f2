/*
 * The inventory routes over HTTP with Backstage's mock auth and permissions, in front of a real
 * inventory. Identity: `as(ref)` signs in as that user; `groups` gives a user identity-provider
 * groups (as a sign-in resolver puts them in the ownership refs).
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';
import { createInventoryRouter } from '../router/inventoryRouter';

export async function inventoryApp(
  inventory: ButlerInventory,
  options: {
    /** permissions the policy grants (default all) */
    allowed?: string[];
    groups?: Record<string, string[]>;
    eventsStatusIntervalMs?: number;
  } = {},
) {
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => ({
        result:
          !options.allowed || options.allowed.includes(r.permission.name)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })) as any,
  });
  const app = express();
  app.use(
    await createInventoryRouter({
      inventory,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      auth: mockServices.auth(),
      permissions,
      userInfo: {
        async getUserInfo(credentials: BackstageCredentials) {
          const ref = (credentials.principal as { userEntityRef: string })
            .userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: [
              ref,
              ...(options.groups?.[ref] ?? []).map(g => `group:default/${g}`),
            ],
          };
        },
      },
      eventsStatusIntervalMs: options.eventsStatusIntervalMs ?? 50,
    }),
  );
  app.use(mockErrorHandler());
  return { app, permissions };
}

/** The Authorization header of a signed-in user. */
export function as(userEntityRef: string) {
  return { Authorization: mockCredentials.user.header(userEntityRef) };
}
