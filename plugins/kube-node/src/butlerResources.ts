/*
 * The Butler custom resources the portal reads or applies: API group, version, plural and scope,
 * as the CRDs in vendor/butler-crds declare them (butlerResources.test.ts compares the two), so
 * that no caller spells a plural or guesses a scope.
 */
export const BUTLER_GROUP = 'butler.butlerlabs.dev';
export const BUTLER_VERSION = 'v1alpha1';

export interface ButlerResource {
  kind: string;
  plural: string;
  namespaced: boolean;
  /** whether writes to `status` go through the status subresource */
  statusSubresource: boolean;
}

export const BUTLER_RESOURCES = {
  AddonDefinition: { kind: 'AddonDefinition', plural: 'addondefinitions', namespaced: false, statusSubresource: false },
  IdentityProvider: { kind: 'IdentityProvider', plural: 'identityproviders', namespaced: false, statusSubresource: true },
  Team: { kind: 'Team', plural: 'teams', namespaced: false, statusSubresource: true },
  TenantAddon: { kind: 'TenantAddon', plural: 'tenantaddons', namespaced: true, statusSubresource: true },
  TenantCluster: { kind: 'TenantCluster', plural: 'tenantclusters', namespaced: true, statusSubresource: true },
  User: { kind: 'User', plural: 'users', namespaced: false, statusSubresource: true },
  Workspace: { kind: 'Workspace', plural: 'workspaces', namespaced: true, statusSubresource: true },
  WorkspaceTemplate: { kind: 'WorkspaceTemplate', plural: 'workspacetemplates', namespaced: true, statusSubresource: false },
} as const satisfies Record<string, ButlerResource>;

export type ButlerKind = keyof typeof BUTLER_RESOURCES;

/** The REST path of a Butler resource collection, or of one object when `name` is given. */
export function butlerResource(
  kind: ButlerKind,
  options: { namespace?: string; name?: string } = {},
): string {
  const resource = BUTLER_RESOURCES[kind];
  if (resource.namespaced !== !!options.namespace && options.namespace !== undefined) {
    throw new Error(`${kind} is cluster-scoped; it has no namespace`);
  }
  const base = `/apis/${BUTLER_GROUP}/${BUTLER_VERSION}`;
  const ns = resource.namespaced && options.namespace ? `/namespaces/${encodeURIComponent(options.namespace)}` : '';
  const name = options.name ? `/${encodeURIComponent(options.name)}` : '';
  return `${base}${ns}/${resource.plural}${name}`;
}
