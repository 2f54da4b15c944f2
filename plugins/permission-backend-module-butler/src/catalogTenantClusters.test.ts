/*
 * The live tenant clusters in the catalog are read as butler.cluster.read reads them (issue 16):
 * a real catalog with catalog-backend-module-butler fed by the test API server, the real
 * permission backend and this module's policy (roles from the same cluster's Teams and Users).
 * Team-b's member reads team-b's clusters (one of them in team-a's namespace, by spec.teamRef)
 * and no other; a cluster of no team only platform admins and viewers; a Resource registered by
 * hand claiming team-b's annotation is no team's. Checked through the catalog's REST API as the
 * frontend and search read it: lists, the paged query, an entity by name (404 out of scope),
 * facets, /authorize by ref; and a cluster moved to another team changes hands.
 */
import { Server } from 'http';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  type KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import {
  butlerClient,
  INVENTORY_CRDS,
  tenantCluster,
  twoTeams,
  user,
} from '@butler-portal/plugin-butler-node/testUtils';
import catalogModuleButler, {
  ANNOTATION_CLUSTER_TEAM,
} from '@butler-portal/plugin-catalog-backend-module-butler';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import request from 'supertest';
import { permissionModuleButlerPolicy } from './module';
import { authWithActor, userInfoWithGroups } from './__testUtils__';

jest.setTimeout(90_000);

const pat = user('pat', 'pat@example.com');

/** a Resource registered by hand, claiming to be team-b's tenant cluster */
const FORGED = `
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: forged
  namespace: team-b
  annotations:
    backstage.io/managed-by-location: butler:management-cluster
    butler.butlerlabs.dev/tenant-cluster: team-b/forged
    butler.butlerlabs.dev/team: team-b
spec:
  type: kubernetes-cluster
  owner: group:default/team-b
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
spec:
  type: website
  lifecycle: production
  owner: group:default/team-a
`;

const ALL_RESOURCES = [
  'commons/orphan',
  'team-a/a-dev',
  'team-a/a-prod',
  'team-a/b-moved',
  'team-b/b-dev',
  'team-b/b-ns',
  'team-b/forged',
];

describe('catalog.entity.read of the live tenant clusters, by their team', () => {
  let kube: KubeTestApiServerHandle;
  let server: Server;
  let stop: () => Promise<void>;

  const as = (name: string) => ({
    Authorization: mockCredentials.user.header(`user:default/${name}`),
  });
  const refsOf = (entities: Entity[]) =>
    entities.map(e => `${e.metadata.namespace}/${e.metadata.name}`).sort();
  const resourcesOf = async (name: string) => {
    const res = await request(server)
      .get('/api/catalog/entities?filter=kind=resource')
      .set(as(name))
      .expect(200);
    return refsOf(res.body);
  };

  beforeAll(async () => {
    kube = await startKubeTestApiServer({
      crds: loadButlerCrds(INVENTORY_CRDS),
      namespaces: ['team-a', 'team-b', 'commons'],
    });
    const client = butlerClient(kube.kubeconfig);
    for (const object of [
      // alice: team-a admin; bob: team-b operator; root: platform admin; mallory: disabled
      ...twoTeams(),
      { ...pat, spec: { ...pat.spec, platformRole: 'viewer' } },
      user('nina', 'nina@example.com'),
      // team-b's, in team-a's namespace
      tenantCluster('team-a', 'b-moved', { team: 'team-b' }),
      // no teamRef: the team whose namespace holds it
      tenantCluster('team-b', 'b-ns'),
      // no teamRef, in no team's namespace: no team's
      tenantCluster('commons', 'orphan'),
    ]) {
      await client.create(object);
    }
    const dir = createMockDirectory({
      content: {
        'kubeconfig.yaml': kube.kubeconfigYaml,
        'catalog-info.yaml': FORGED,
      },
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleButler,
        permissionPlugin,
        permissionModuleButlerPolicy,
        authWithActor,
        // the real httpAuth on top of it (the mock's builds its own auth and drops the actor)
        httpAuthServiceFactory,
        userInfoWithGroups({}),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            permission: { enabled: true },
            butler: {
              managementCluster: {
                kubeconfigPath: `${dir.path}/kubeconfig.yaml`,
              },
            },
            catalog: {
              rules: [
                {
                  allow: ['User', 'Group', 'Resource', 'Component', 'Location'],
                },
              ],
              locations: [
                { type: 'file', target: `${dir.path}/catalog-info.yaml` },
              ],
            },
          },
        }),
      ],
    });
    server = backend.server as Server;
    stop = () => backend.stop();

    // everything ingested, as the platform admin sees it
    await eventually(
      async () => {
        const res = await request(server)
          .get('/api/catalog/entities?filter=kind=resource')
          .set(as('root'));
        return res.status === 200 &&
          refsOf(res.body).join() === ALL_RESOURCES.join()
          ? true
          : undefined;
      },
      'the tenant clusters in the catalog',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await stop?.();
    await kube?.stop();
  });

  it("records the cluster's team (teamRef, else its namespace's) on its entity, none on one of no team", async () => {
    const teamOf = async (ref: string) =>
      (
        await request(server)
          .get(`/api/catalog/entities/by-name/resource/${ref}`)
          .set(as('root'))
          .expect(200)
      ).body.metadata.annotations[ANNOTATION_CLUSTER_TEAM];
    expect(await teamOf('team-a/a-dev')).toBe('team-a');
    expect(await teamOf('team-a/b-moved')).toBe('team-b');
    expect(await teamOf('team-b/b-ns')).toBe('team-b');
    expect(await teamOf('commons/orphan')).toBeUndefined();
  });

  it("lists each member their teams' clusters only, platform admins and viewers all, a user in no team none", async () => {
    expect(await resourcesOf('bob')).toEqual([
      'team-a/b-moved',
      'team-b/b-dev',
      'team-b/b-ns',
    ]);
    expect(await resourcesOf('alice')).toEqual([
      'team-a/a-dev',
      'team-a/a-prod',
    ]);
    expect(await resourcesOf('nina')).toEqual([]);
    expect(await resourcesOf('pat')).toEqual(ALL_RESOURCES);
    expect(await resourcesOf('root')).toEqual(ALL_RESOURCES);
    // a disabled User reads nothing
    expect(await resourcesOf('mallory')).toEqual([]);
    // the paged query applies the same condition in the database
    const res = await request(server)
      .get('/api/catalog/entities/by-query?filter=kind=resource&limit=10')
      .set(as('bob'))
      .expect(200);
    expect(res.body.totalItems).toBe(3);
    expect(refsOf(res.body.items)).toEqual([
      'team-a/b-moved',
      'team-b/b-dev',
      'team-b/b-ns',
    ]);
  });

  it("answers 404 for another team's cluster by name, for one of no team, and for the forged one, and null by ref", async () => {
    for (const ref of ['team-a/a-dev', 'commons/orphan', 'team-b/forged']) {
      await request(server)
        .get(`/api/catalog/entities/by-name/resource/${ref}`)
        .set(as('bob'))
        .expect(404);
    }
    for (const ref of ['team-b/b-dev', 'team-b/b-ns', 'team-a/b-moved']) {
      await request(server)
        .get(`/api/catalog/entities/by-name/resource/${ref}`)
        .set(as('bob'))
        .expect(200);
    }
    for (const ref of ALL_RESOURCES) {
      await request(server)
        .get(`/api/catalog/entities/by-name/resource/${ref}`)
        .set(as('pat'))
        .expect(200);
    }
    const res = await request(server)
      .post('/api/catalog/entities/by-refs')
      .set(as('bob'))
      .send({
        entityRefs: ['resource:team-a/a-dev', 'resource:team-b/b-dev'],
      })
      .expect(200);
    expect(
      res.body.items.map((e: Entity | null) => e?.metadata.name ?? null),
    ).toEqual([null, 'b-dev']);
  });

  it('counts in facets only the clusters the user reads', async () => {
    const facets = async (name: string) => {
      const res = await request(server)
        .get(
          '/api/catalog/entity-facets?facet=metadata.namespace&filter=kind=resource',
        )
        .set(as(name))
        .expect(200);
      return res.body.facets['metadata.namespace']
        .map((f: { value: string; count: number }) => `${f.value}:${f.count}`)
        .sort();
    };
    expect(await facets('bob')).toEqual(['team-a:1', 'team-b:2']);
    expect(await facets('nina')).toEqual([]);
    expect(await facets('pat')).toEqual(['commons:1', 'team-a:3', 'team-b:3']);
  });

  it('decides one entity by ref as search results and entity pages ask', async () => {
    const allowed = async (name: string) => {
      const refs = ALL_RESOURCES.map(r => `resource:${r}`);
      const res = await request(server)
        .post('/api/permission/authorize')
        .set(as(name))
        .send({
          items: refs.map((resourceRef, i) => ({
            id: String(i),
            permission: catalogEntityReadPermission,
            resourceRef,
          })),
        })
        .expect(200);
      return refs.filter((_, i) => res.body.items[i].result === 'ALLOW');
    };
    expect(await allowed('bob')).toEqual([
      'resource:team-a/b-moved',
      'resource:team-b/b-dev',
      'resource:team-b/b-ns',
    ]);
    expect(await allowed('pat')).toEqual(
      ALL_RESOURCES.map(r => `resource:${r}`),
    );
  });

  it('keeps the Teams (Groups), Users and other entities readable by everyone', async () => {
    for (const name of ['bob', 'nina']) {
      const res = await request(server)
        .get('/api/catalog/entities?filter=kind=group,kind=user,kind=component')
        .set(as(name))
        .expect(200);
      expect(
        res.body.map((e: Entity) => `${e.kind}:${e.metadata.name}`).sort(),
      ).toEqual([
        'Component:web',
        'Group:team-a',
        'Group:team-b',
        'User:alice',
        'User:bob',
        'User:mallory',
        'User:nina',
        'User:pat',
        'User:root',
      ]);
    }
  });

  it('follows a cluster moved to another team', async () => {
    await butlerClient(kube.kubeconfig).mergePatch(
      'TenantCluster',
      'a-prod',
      { spec: { teamRef: { name: 'team-b' } } },
      'team-a',
    );
    await eventually(
      async () =>
        (await resourcesOf('bob')).includes('team-a/a-prod') ? true : undefined,
      "team-b's member to read the moved cluster",
      { intervalMs: 200 },
    );
    expect(await resourcesOf('alice')).toEqual(['team-a/a-dev']);
  });
});
