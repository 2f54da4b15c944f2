/*
 * Annotations of the entities this module writes. The live values (phase, versions, worker
 * counts) are annotations rather than spec fields: Resource and Group have no place for them,
 * and the catalog's search and entity pages show annotations as they are.
 */
export const ANNOTATION_PREFIX = 'butler.butlerlabs.dev';
export const ANNOTATION_PHASE = `${ANNOTATION_PREFIX}/phase`;
export const ANNOTATION_KUBERNETES_VERSION = `${ANNOTATION_PREFIX}/kubernetes-version`;
export const ANNOTATION_OBSERVED_KUBERNETES_VERSION = `${ANNOTATION_PREFIX}/observed-kubernetes-version`;
export const ANNOTATION_ENDPOINT = `${ANNOTATION_PREFIX}/endpoint`;
export const ANNOTATION_WORKERS_DESIRED = `${ANNOTATION_PREFIX}/workers-desired`;
export const ANNOTATION_WORKERS_READY = `${ANNOTATION_PREFIX}/workers-ready`;
/**
 * `<namespace>/<name>` of the TenantCluster on the management cluster. Reading the catalog
 * (catalog.entity.read) is limited as butler.cluster.read is: an entity carrying it, whatever
 * brought it in, is read by platform admins and viewers and by the members of the team
 * ANNOTATION_CLUSTER_TEAM names, on an entity of this module only (managed-by-location LOCATION,
 * which the catalog overwrites on every entity read from a registered location). An addon's
 * entity, were one written, would carry its cluster's, as butler.addon.read judges an addon by
 * its cluster.
 */
export const ANNOTATION_TENANT_CLUSTER = `${ANNOTATION_PREFIX}/tenant-cluster`;
/**
 * The cluster's team (butler-node's teamOfCluster: spec.teamRef.name, else the Team whose
 * namespace holds it), absent when it has none (then only platform admins and viewers read it).
 * Not spec.owner: that names `platform-team` for such a cluster, which a team could be called.
 */
export const ANNOTATION_CLUSTER_TEAM = `${ANNOTATION_PREFIX}/team`;
/** the Team's members with their role, `email=role,...` (a Group has no per-member role) */
export const ANNOTATION_MEMBER_ROLES = `${ANNOTATION_PREFIX}/member-roles`;
/** the Team's namespace on the management cluster */
export const ANNOTATION_TEAM_NAMESPACE = `${ANNOTATION_PREFIX}/namespace`;
export const ANNOTATION_PLATFORM_ADMIN = `${ANNOTATION_PREFIX}/platform-admin`;

/**
 * Where the entities come from, for backstage.io/managed-by-location; only this module's entities
 * carry it (see ANNOTATION_TENANT_CLUSTER), so the read condition trusts their team annotation.
 */
export const LOCATION = 'butler:management-cluster';
