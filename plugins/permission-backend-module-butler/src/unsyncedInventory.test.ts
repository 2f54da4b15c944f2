/*
 * Before the management cluster's Teams and Users are read (the cluster slow or unreachable,
 * RBAC refusing the kinds; here: kinds the test API server does not serve), the inventory
 * answers [] for them. Read as "no Teams" every team's folder would be nobody's (everyone's to
 * read) and every User enabled; the role source refuses to answer instead, and the policy fails
 * closed. Asserted through the permission backend's /authorize (the route the gitops, registry
 * and pipeline backends call), the catalog's condition with the catalog's own rules, and the
 * butler routes (503 naming why, as for a newcomer, rather than 403).
 */
import type { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { createPermission } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_OWNING_TEAM,
  gitopsChangeMergePermission,
  gitopsResourceReadPermission,
  matchesPermissionCriteria,
} from '@butler-portal/plugin-gitops-common';
import { pipelineReadPermission } from '@butler-portal/plugin-pipeline-common';
import { registryReadPermission } from '@butler-portal/plugin-registry-common';
import { CAST, startClusterMatrix } from './__testUtils__/matrixBackend';

jest.setTimeout(60_000);

const BREAK_GLASS = 'user:default/breakglass';

const catalogRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/** a GitOps entity of a file in `namespace`, declaring `team` or none */
const gitopsEntity = (namespace: string, team?: string): Entity => ({
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: {
    name: 'w',
    namespace,
    annotations: team ? { [ANNOTATION_OWNING_TEAM]: team } : {},
  },
  spec: {},
});

const rules = Object.values(permissionRules);
const catalogMatches = (decision: any, entity: Entity) =>
  matchesPermissionCriteria(
    decision.conditions,
    'catalog-entity',
    rules.map(r => r.name),
    (name, params) =>
      rules.find(r => r.name === name)!.apply(entity, (params ?? {}) as any),
  );

describe('permission-backend-module-butler before Teams and Users are synced', () => {
  let backend: Awaited<ReturnType<typeof startClusterMatrix>>;

  beforeAll(async () => {
    backend = await startClusterMatrix({
      withoutKinds: ['Team', 'User'],
      config: {
        permission: {
          enabled: true,
          butler: { platformAdmins: [BREAK_GLASS] },
        },
      },
    });
    // the inventory's first attempt is over once the kinds it can read are in
    const deadline = Date.now() + 20_000;
    for (;;) {
      const status = await backend.api
        .get('/api/butler/inventory/status')
        .set(backend.as(CAST.noTeam));
      if (status.body.kinds?.TenantCluster?.synced && status.body.kinds?.Team)
        break;
      if (Date.now() > deadline) {
        throw new Error(`no inventory: ${JSON.stringify(status.body)}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  });

  afterAll(() => backend?.stop());

  it("reads no team's file as nobody's: GitOps files and pipelines are refused, not everyone's", async () => {
    for (const permission of [
      gitopsResourceReadPermission,
      pipelineReadPermission,
    ]) {
      for (const ref of [CAST.noTeam, CAST.teamAdmin]) {
        expect([
          permission.name,
          ref,
          (await backend.decide(ref, permission)).result,
        ]).toEqual([permission.name, ref, 'DENY']);
      }
    }
  });

  it('shows no GitOps catalog entity, the rest as usual', async () => {
    const decision = await backend.decide(CAST.noTeam, catalogRead);
    expect(decision.result).toBe('CONDITIONAL');
    // in a team's folder, declaring no team: a team's file, not nobody's
    expect(catalogMatches(decision, gitopsEntity('team-a'))).toBe(false);
    expect(catalogMatches(decision, gitopsEntity('commons'))).toBe(false);
    expect(catalogMatches(decision, gitopsEntity('team-a', 'team-a'))).toBe(
      false,
    );
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web', namespace: 'default' },
      spec: {},
    };
    expect(catalogMatches(decision, component)).toBe(true);
  });

  it('refuses the portal to a User not yet known to be disabled; the configured admin keeps it', async () => {
    expect(
      (await backend.decide('user:default/mallory', registryReadPermission))
        .result,
    ).toBe('DENY');
    expect(
      (await backend.decide(CAST.noTeam, registryReadPermission)).result,
    ).toBe('DENY');
    // break-glass: a platform admin by configuration does not depend on the cluster
    for (const permission of [
      gitopsResourceReadPermission,
      gitopsChangeMergePermission,
      registryReadPermission,
    ]) {
      expect((await backend.decide(BREAK_GLASS, permission)).result).toBe(
        'ALLOW',
      );
    }
  });

  it('lets the butler routes say why nothing is shown (503), not refuse (403)', async () => {
    for (const route of ['/clusters', '/teams', '/me']) {
      const res = await backend.api
        .get(`/api/butler${route}`)
        .set(backend.as(CAST.noTeam));
      expect({ route, status: res.status }).toEqual({ route, status: 503 });
      expect(res.body.error.message).toMatch(
        /CRD (teams|users)\.butler\.butlerlabs\.dev not installed/,
      );
    }
  });
});
