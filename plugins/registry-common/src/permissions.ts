/*
 * Who may use Keeper through the portal. Protocol clients (terraform, tofu, helm, OPA) are
 * checked against `registryReadPermission` too, with the credentials their token stands for.
 */
import { createPermission } from '@backstage/plugin-permission-common';
import { GITOPS_RESOURCE_RESOURCE_TYPE } from '@butler-portal/plugin-gitops-common';

/** See artifacts, versions and their content; download them through the protocols. */
export const registryReadPermission = createPermission({
  name: 'registry.artifact.read',
  attributes: { action: 'read' },
});

/** Create a registry token (read-only, scoped to namespaces) for a CI system or a laptop. */
export const registryTokenCreatePermission = createPermission({
  name: 'registry.token.create',
  attributes: { action: 'create' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Revoke a registry token. Everyone may revoke their own; this permission covers the rest. */
export const registryTokenRevokePermission = createPermission({
  name: 'registry.token.revoke',
  attributes: { action: 'delete' },
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
});

/** Every registry permission, for registration with the permission framework. */
export const registryPermissions = [
  registryReadPermission,
  registryTokenCreatePermission,
  registryTokenRevokePermission,
];
