/*
 * Reading the catalog (catalog.entity.read: lists, an entity by name, facets, search results)
 * follows the GitOps read rule (gitops-common's permissionRules), so the catalog is no way round
 * it: a GitOps entity is read by the members of the team owning its file, and by everyone when
 * no team owns it. Written with the catalog's own rules, which the catalog applies in its
 * database query (a list is filtered, an entity out of scope is 404), on what the GitOps
 * catalog module records on each entity:
 *   - the declared owning team: annotation portal.butlerlabs.dev/owning-team (declaredOwningTeam);
 *   - else the file's namespace: the entity's metadata.namespace (the resource's own);
 *   - a person the file names its owner (spec.owner as an email, a Workspace's) reads it too,
 *     whatever their teams, as gitops-common's IS_FILE_OWNER lets them read the file.
 * The live tenant clusters (catalog-backend-module-butler's Resources) follow butler.cluster.read:
 * an entity of a tenant cluster (annotation butler.butlerlabs.dev/tenant-cluster, whoever wrote
 * it) is read by the members of the cluster's team, which that module records on its own
 * entities (butler.butlerlabs.dev/team, trusted on an entity it manages only: managed-by-location
 * `butler:management-cluster`, which the catalog overwrites on entities read from a location).
 * Entities of other kinds (users, groups, templates, components...) stay everyone's: people and
 * teams are directory data every signed-in user sees, as in Backstage.
 * The catalog matches keys and values case-insensitively; team and namespace names are
 * lower-case DNS labels.
 */
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import type {
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_CLUSTER_TEAM,
  ANNOTATION_TENANT_CLUSTER,
  LOCATION as BUTLER_LOCATION,
} from '@butler-portal/plugin-catalog-backend-module-butler';
import {
  ANNOTATION_OWNING_TEAM,
  KINDS,
} from '@butler-portal/plugin-gitops-common';

type CatalogCriteria = PermissionCriteria<
  PermissionCondition<'catalog-entity'>
>;

export interface CatalogReadScope {
  /** the user's teams (a declared owning team among them: readable) */
  teams: string[];
  /** the user's emails (spec.owner one of them: readable) */
  owners?: string[];
  /** those teams' namespaces (a file declaring no team, in one of them: readable) */
  namespaces: string[];
  /**
   * every team's namespace (a file declaring no team, in none of them: nobody's, readable);
   * undefined (or not a list of names) when the teams cannot be read: no file is taken for
   * nobody's (fail closed)
   */
  teamNamespaces?: string[];
  /** the teams whose tenant clusters the user reads (butler.cluster.read's roles) */
  clusterTeams?: string[];
}

const { hasAnnotation, hasMetadata, hasSpec, isEntityKind } = catalogConditions;

/** one criterion, or any of several (criteria non-empty) */
function anyOf([first, ...rest]: CatalogCriteria[]): CatalogCriteria {
  return rest.length ? { anyOf: [first, ...rest] } : first;
}

/** the entity's namespace is one of `namespaces` (non-empty) */
function inNamespaces(namespaces: string[]): CatalogCriteria {
  return anyOf(
    namespaces.map(value => hasMetadata({ key: 'namespace', value })),
  );
}

/** The condition under which a user reads a catalog entity. */
export function catalogReadCriteria(scope: CatalogReadScope): CatalogCriteria {
  const gitops = isEntityKind({ kinds: KINDS.map(k => k.kind) });
  const ofTenantCluster = hasAnnotation({
    annotation: ANNOTATION_TENANT_CLUSTER,
  });
  const declaresNoTeam: CatalogCriteria = {
    not: hasAnnotation({ annotation: ANNOTATION_OWNING_TEAM }),
  };
  // a GitOps entity, as its file is read
  const file: CatalogCriteria[] = [
    // declared team: one of the user's
    ...scope.teams.map(team =>
      hasAnnotation({ annotation: ANNOTATION_OWNING_TEAM, value: team }),
    ),
    // the file's owner (an email: no Group ref equals one)
    ...(scope.owners ?? []).map(value => hasSpec({ key: 'owner', value })),
  ];
  if (scope.namespaces.length) {
    // no declared team, in one of the user's teams' namespaces
    file.push({
      allOf: [declaresNoTeam, inNamespaces(scope.namespaces)],
    });
  }
  // no declared team, in no team's namespace: nobody's. A deny-list, right only if complete:
  // no list, or one that is not of names, takes no entity for nobody's. An empty list is a real
  // answer (the role source throws while the teams are unknown): no team, every file nobody's.
  const teamNamespaces = scope.teamNamespaces;
  if (
    Array.isArray(teamNamespaces) &&
    teamNamespaces.every(ns => typeof ns === 'string' && ns !== '')
  ) {
    file.push(
      teamNamespaces.length
        ? {
            allOf: [declaresNoTeam, { not: inNamespaces(teamNamespaces) }],
          }
        : declaresNoTeam,
    );
  }
  // a tenant cluster's entity, as butler.cluster.read: its team one of the user's, on an
  // entity of the butler catalog module only (the annotation elsewhere is anyone's claim)
  const cluster: CatalogCriteria[] = (scope.clusterTeams ?? []).map(team =>
    hasAnnotation({ annotation: ANNOTATION_CLUSTER_TEAM, value: team }),
  );
  const readable: CatalogCriteria[] = [
    // everyone's: neither a GitOps entity nor a tenant cluster's
    { allOf: [{ not: gitops }, { not: ofTenantCluster }] },
  ];
  if (file.length) readable.push({ allOf: [gitops, anyOf(file)] });
  if (cluster.length) {
    readable.push({
      allOf: [
        hasAnnotation({
          annotation: ANNOTATION_LOCATION,
          value: BUTLER_LOCATION,
        }),
        anyOf(cluster),
      ],
    });
  }
  return anyOf(readable);
}

/** catalog.entity.read as a condition the catalog applies (see catalogReadCriteria) */
export function catalogReadDecision(
  permission: ResourcePermission<'catalog-entity'>,
  scope: CatalogReadScope,
): PolicyDecision {
  return createCatalogConditionalDecision(
    permission,
    catalogReadCriteria(scope),
  );
}
