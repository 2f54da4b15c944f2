/*
 * catalog.entity.read from the policy, its conditions evaluated with the catalog's own rules
 * (the implementations the catalog applies to an entity in hand; its database query is checked
 * through the real catalog in catalog-backend-module-gitops' catalogReadPermission test, and for
 * the live tenant clusters in ../catalogTenantClusters.test.ts). Here: the cases those tests
 * cannot reach — roles or teams that cannot be read, disabled users — and the tenant clusters'
 * gate on one entity set beside the GitOps ones.
 */
import type { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_OWNING_TEAM,
  gitopsResourceReadPermission,
  matchesPermissionCriteria,
} from '@butler-portal/plugin-gitops-common';
import type { PortalRoles, RoleSource } from '../roles/PortalRoles';
import { ButlerPermissionPolicy } from './ButlerPermissionPolicy';

const entity = (
  kind: string,
  namespace: string,
  name: string,
  owningTeam?: string,
  owner?: string,
): Entity => ({
  apiVersion:
    kind === 'Component'
      ? 'backstage.io/v1alpha1'
      : 'butler.butlerlabs.dev/v1alpha1',
  kind,
  metadata: {
    name,
    namespace,
    annotations: owningTeam ? { [ANNOTATION_OWNING_TEAM]: owningTeam } : {},
  },
  spec: owner ? { owner } : {},
});

/** a live tenant cluster's Resource, as catalog-backend-module-butler writes it (or a forgery) */
const clusterResource = (
  namespace: string,
  name: string,
  team: string | undefined,
  location = 'butler:management-cluster',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace,
    annotations: {
      'backstage.io/managed-by-location': location,
      'butler.butlerlabs.dev/tenant-cluster': `${namespace}/${name}`,
      ...(team && { 'butler.butlerlabs.dev/team': team }),
    },
  },
  spec: { type: 'kubernetes-cluster', owner: `group:default/${team}` },
});

const ENTITIES = {
  'team-a/a-dev': entity('Workspace', 'team-a', 'a-dev'),
  'team-b/claimed': entity('Workspace', 'team-b', 'claimed', 'team-a'),
  'team-b/b-dev': entity('Workspace', 'team-b', 'b-dev'),
  'team-a/bobs': entity(
    'Workspace',
    'team-a',
    'bobs',
    undefined,
    'Bob@Example.com',
  ),
  'commons/common': entity('Workspace', 'commons', 'common'),
  'commons/cluster': entity('TenantCluster', 'commons', 'cluster', 'team-b'),
  'default/web': entity('Component', 'default', 'web'),
  // live clusters: team-b's in team-a's namespace (spec.teamRef), team-a's, one of no team
  'team-a/b-live': clusterResource('team-a', 'b-live', 'team-b'),
  'team-a/a-live': clusterResource('team-a', 'a-live', 'team-a'),
  'commons/orphan': clusterResource('commons', 'orphan', undefined),
  // registered by hand, claiming team-b
  'team-b/forged': clusterResource(
    'team-b',
    'forged',
    'team-b',
    'url:https://example.com/catalog-info.yaml',
  ),
};

const rules = Object.values(permissionRules);

/** which of ENTITIES the decision lets one read, applying the catalog's rules */
function readable(decision: PolicyDecision): string[] {
  return Object.entries(ENTITIES)
    .filter(([, e]) => {
      if (decision.result !== AuthorizeResult.CONDITIONAL) {
        return decision.result === AuthorizeResult.ALLOW;
      }
      expect(decision.pluginId).toBe('catalog');
      return matchesPermissionCriteria(
        decision.conditions as PermissionCriteria<PermissionCondition>,
        'catalog-entity',
        rules.map(r => r.name),
        (name, params) => {
          const rule = rules.find(r => r.name === name);
          return !!rule && rule.apply(e, (params ?? {}) as any);
        },
      );
    })
    .map(([ref]) => ref);
}

const roles = (over: Partial<PortalRoles> = {}): PortalRoles => ({
  teams: new Map(),
  namespaces: new Map(),
  emails: [],
  source: 'catalog',
  ...over,
});

function policy(source: Partial<RoleSource>, platformAdmins: string[] = []) {
  const p = new ButlerPermissionPolicy({
    roles: () => ({
      rolesOf: async () => roles(),
      teamNamespaces: async () => ['team-a', 'team-b'],
      ...source,
    }),
    platformAdmins,
  });
  return (ref = 'user:default/bob') =>
    p.handle({ permission: catalogEntityReadPermission }, {
      identity: {} as any,
      info: { userEntityRef: ref, ownershipEntityRefs: [ref] },
      token: 'token',
      credentials: {} as any,
    } as any);
}

describe('catalog.entity.read', () => {
  it("lets a team's member read its GitOps entities, nobody's and those naming them owner, its tenant clusters (wherever they are), every other entity, not another team's", async () => {
    const decide = policy({
      rolesOf: async () =>
        roles({
          teams: new Map([['team-b', 'viewer']]),
          emails: ['bob@example.com'],
        }),
    });
    expect(readable(await decide())).toEqual([
      'team-b/b-dev',
      'team-a/bobs',
      'commons/common',
      'commons/cluster',
      'default/web',
      'team-a/b-live',
    ]);
  });

  it("reads a tenant cluster's entity by its team only on one the butler module wrote, and one of no team not at all", async () => {
    const decide = policy({
      rolesOf: async () =>
        roles({
          teams: new Map([
            ['team-a', 'viewer'],
            ['team-b', 'operator'],
          ]),
        }),
    });
    expect(
      readable(await decide()).filter(
        ref => ENTITIES[ref as keyof typeof ENTITIES].kind === 'Resource',
      ),
    ).toEqual(['team-a/b-live', 'team-a/a-live']);
  });

  it('lets a user in no team read only the GitOps entities nobody owns', async () => {
    expect(readable(await policy({})())).toEqual([
      'commons/common',
      'default/web',
    ]);
  });

  it('allows platform admins and viewers everything, a configured admin too', async () => {
    for (const platformRole of ['admin', 'viewer'] as const) {
      const decide = policy({ rolesOf: async () => roles({ platformRole }) });
      expect((await decide()).result).toBe(AuthorizeResult.ALLOW);
    }
    const decide = policy(
      {
        rolesOf: async () => {
          throw new Error('catalog down');
        },
      },
      ['user:default/root'],
    );
    expect((await decide('user:default/root')).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it("shows no GitOps entity when the roles cannot be read, and none as nobody's when the teams cannot", async () => {
    const noRoles = policy({
      rolesOf: async () => {
        throw new Error('catalog down');
      },
    });
    expect(readable(await noRoles())).toEqual(['default/web']);
    const noTeams = policy({
      rolesOf: async () => roles({ teams: new Map([['team-a', 'admin']]) }),
      teamNamespaces: async () => {
        throw new Error('cluster down');
      },
    });
    expect(readable(await noTeams())).toEqual([
      'team-a/a-dev',
      'team-b/claimed',
      'team-a/bobs',
      'default/web',
      'team-a/a-live',
    ]);
  });

  it("takes no GitOps entity for nobody's when the teams' namespaces are not a list of names", async () => {
    for (const malformed of ['team-a', [undefined], [''], {}, null]) {
      const decide = policy({
        teamNamespaces: async () => malformed as any,
      });
      expect([malformed, readable(await decide())]).toEqual([
        malformed,
        ['default/web'],
      ]);
    }
  });

  it('refuses a disabled user', async () => {
    const decide = policy({
      rolesOf: async () => roles({ disabled: true }),
    });
    expect((await decide()).result).toBe(AuthorizeResult.DENY);
  });
});

describe("gitops.resource.read when the teams' namespaces are no list of names", () => {
  it('refuses the read rather than send a list made of something else', async () => {
    for (const malformed of ['team-a', [undefined], [''], {}, null]) {
      const p = new ButlerPermissionPolicy({
        roles: () => ({
          rolesOf: async () => roles({ teams: new Map([['team-a', 'admin']]) }),
          teamNamespaces: async () => malformed as any,
        }),
      });
      const decision = await p.handle(
        { permission: gitopsResourceReadPermission },
        {
          info: {
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: ['user:default/alice'],
          },
          credentials: {} as any,
        } as any,
      );
      expect([malformed, decision.result]).toEqual([
        malformed,
        AuthorizeResult.DENY,
      ]);
    }
  });
});
