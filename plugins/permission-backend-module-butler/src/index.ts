/**
 * Butler Portal permission policy: Butler roles (Team access, platform admins) from the
 * management cluster or catalog Groups, conditional decisions on workspaces.
 *
 * @packageDocumentation
 */
export { permissionModuleButlerPolicy as default } from './module';
export { ButlerPermissionPolicy } from './policy/ButlerPermissionPolicy';
export type { ButlerPermissionPolicyOptions } from './policy/ButlerPermissionPolicy';
export { PORTAL_RULES } from './policy/portalRules';
export type { PortalRule } from './policy/portalRules';
export {
  CatalogRoleSource,
  ANNOTATION_DEFAULT_ROLE,
  ANNOTATION_PLATFORM_VIEWER,
} from './roles/CatalogRoleSource';
export { ClusterRoleSource } from './roles/ClusterRoleSource';
export type {
  PortalRoles,
  RoleSource,
  PlatformRole,
} from './roles/PortalRoles';
