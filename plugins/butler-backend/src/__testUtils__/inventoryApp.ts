/*
 * The inventory routes over HTTP with Backstage's mock auth, in front of a real inventory, and
 * the portal's real permission policy (permission-backend-module-butler, roles from the same
 * inventory) answering the permission checks, as the permission backend would. Identity:
 * `as(ref)` signs in as that user; `groups` gives a user identity-provider groups (as a sign-in
 * resolver puts them in the ownership refs). `allowed` refuses every other permission outright.
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import express from 'express';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';
import { createInventoryRouter } from '../router/inventoryRouter';
import { policyPermissions } from './policyPermissions';

export async function inventoryApp(
  inventory: ButlerInventory,
  options: {
    /** permissions the policy may decide (default all); the others are refused */
    allowed?: string[];
    groups?: Record<string, string[]>;
    eventsStatusIntervalMs?: number;
  } = {},
) {
  const userInfo = {
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
  };
  const permissions = policyPermissions(inventory, {
    userInfo: userInfo.getUserInfo,
    allowed: options.allowed,
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
      userInfo,
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
