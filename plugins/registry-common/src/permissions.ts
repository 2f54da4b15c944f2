/*
 * Who may use Keeper through the portal. Protocol clients (terraform, tofu, helm, OPA) are
 * checked against `registryReadPermission` too, with the credentials their token stands for.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** See artifacts, versions and their content; download them through the protocols. */
export const registryReadPermission = createPermission({
  name: 'registry.artifact.read',
  attributes: { action: 'read' },
});

/** Create a registry token (read-only, scoped to namespaces) for a CI system or a laptop. */
export const registryTokenCreatePermission = createPermission({
  name: 'registry.token.create',
  attributes: { action: 'create' },
});

/** Revoke a registry token. Everyone may revoke their own; this permission covers the rest. */
export const registryTokenRevokePermission = createPermission({
  name: 'registry.token.revoke',
  attributes: { action: 'delete' },
});

/** Every registry permission, for registration with the permission framework. */
export const registryPermissions = [
  registryReadPermission,
  registryTokenCreatePermission,
  registryTokenRevokePermission,
];
