/*
 * The live Butler objects as catalog entities:
 *   TenantCluster → Resource `resource:<namespace>/<name>`, type kubernetes-cluster, owned by its
 *                   Team's Group, dependsOn its TenantAddons (the entities of their Git files,
 *                   `tenantaddon:<namespace>/<name>`); phase, versions, endpoint and worker
 *                   counts as annotations; its team as an annotation too, which the catalog's
 *                   read condition matches (only the team's members read it)
 *   Team          → Group `group:default/<name>`, type team: display name, description, members
 *                   (the Users of the emails in spec.access.users) with their roles
 *   User          → User `user:default/<name>`: email, display name, picture, memberOf
 * Names the catalog would refuse (it allows fewer characters than Kubernetes in some places)
 * are never produced: Kubernetes names are DNS labels or subdomains, which the catalog accepts.
 */
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import {
  isPlatformAdmin,
  roleOf,
  type ButlerObject,
} from '@butler-portal/plugin-butler-node';
import {
  ANNOTATION_CLUSTER_TEAM,
  ANNOTATION_ENDPOINT,
  ANNOTATION_KUBERNETES_VERSION,
  ANNOTATION_MEMBER_ROLES,
  ANNOTATION_OBSERVED_KUBERNETES_VERSION,
  ANNOTATION_PHASE,
  ANNOTATION_PLATFORM_ADMIN,
  ANNOTATION_TEAM_NAMESPACE,
  ANNOTATION_TENANT_CLUSTER,
  ANNOTATION_WORKERS_DESIRED,
  ANNOTATION_WORKERS_READY,
  LOCATION,
} from './annotations';

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;
const count = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

function located(annotations: Record<string, string | undefined>) {
  const out: Record<string, string> = {
    [ANNOTATION_LOCATION]: LOCATION,
    [ANNOTATION_ORIGIN_LOCATION]: LOCATION,
  };
  for (const [k, v] of Object.entries(annotations))
    if (v !== undefined) out[k] = v;
  return out;
}

export function clusterEntityRef(namespace: string, name: string): string {
  return `resource:${namespace}/${name}`;
}

export function clusterToEntity(
  cluster: ButlerObject,
  team: string | undefined,
  addons: ButlerObject[],
): Entity {
  const namespace = cluster.metadata.namespace ?? 'default';
  const { name } = cluster.metadata;
  const spec = cluster.spec ?? {};
  const status = cluster.status ?? {};
  const observed = status.observedState ?? {};
  const dependsOn = addons
    .filter(a => a.spec?.clusterRef?.name === name)
    .map(a => `tenantaddon:${namespace}/${a.metadata.name}`)
    .sort();
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace,
      title: `${name} (${namespace})`,
      description: `Butler tenant cluster ${namespace}/${name}`,
      annotations: located({
        [ANNOTATION_TENANT_CLUSTER]: `${namespace}/${name}`,
        // whose members read the entity (the catalog's read condition)
        [ANNOTATION_CLUSTER_TEAM]: team,
        [ANNOTATION_PHASE]: str(status.phase),
        [ANNOTATION_KUBERNETES_VERSION]: str(spec.kubernetesVersion),
        [ANNOTATION_OBSERVED_KUBERNETES_VERSION]: str(
          observed.kubernetesVersion,
        ),
        [ANNOTATION_ENDPOINT]: str(status.controlPlaneEndpoint),
        [ANNOTATION_WORKERS_DESIRED]:
          count(observed.workers?.desired) ?? count(spec.workers?.replicas),
        [ANNOTATION_WORKERS_READY]: count(observed.workers?.ready),
      }),
      tags: ['butler', 'tenant-cluster'],
    },
    spec: {
      type: 'kubernetes-cluster',
      // a cluster without a known team is the platform's, so it is never ownerless
      owner: team ? `group:default/${team}` : 'group:default/platform-team',
      ...(dependsOn.length && { dependsOn }),
    },
  };
}

/** Emails (lower case) → Butler User names, for Team members. */
export type UsersByEmail = Map<string, string>;

export function teamToGroup(team: ButlerObject, users: UsersByEmail): Entity {
  const spec = team.spec ?? {};
  const access = spec.access ?? {};
  const members: Array<{ email: string; role: string; user?: string }> = (
    Array.isArray(access.users) ? access.users : []
  )
    .filter((u: any) => typeof u?.name === 'string')
    .map((u: any) => ({
      email: u.name,
      role: roleOf(u.role),
      user: users.get(u.name.toLowerCase()),
    }));
  const memberRefs = [
    ...new Set(members.filter(m => m.user).map(m => `user:default/${m.user}`)),
  ].sort();
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: team.metadata.name,
      ...(str(spec.displayName) && { title: str(spec.displayName) }),
      ...(str(spec.description) && { description: str(spec.description) }),
      annotations: located({
        [ANNOTATION_MEMBER_ROLES]: members.length
          ? members.map(m => `${m.email}=${m.role}`).join(',')
          : undefined,
        [ANNOTATION_TEAM_NAMESPACE]: str(team.status?.namespace),
      }),
    },
    spec: {
      type: 'team',
      profile: {
        ...(str(spec.displayName) && { displayName: str(spec.displayName) }),
      },
      children: [],
      members: memberRefs,
    },
  };
}

export function userToEntity(user: ButlerObject, teams: string[]): Entity {
  const spec = user.spec ?? {};
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name: user.metadata.name,
      annotations: located({
        [ANNOTATION_PLATFORM_ADMIN]: isPlatformAdmin(user) ? 'true' : undefined,
      }),
    },
    spec: {
      profile: {
        ...(str(spec.email) && { email: str(spec.email) }),
        ...(str(spec.displayName) && { displayName: str(spec.displayName) }),
        ...(str(spec.avatar) && { picture: str(spec.avatar) }),
      },
      memberOf: [...teams].sort().map(t => `group:default/${t}`),
    },
  };
}
