/*
 * Reading GitOps entities through the catalog is limited as reading their files is (issue 16):
 * a real catalog with this module, the real permission backend and the portal's policy (roles
 * from catalog Groups), files of two teams, one a team claims in another's folder, one nobody
 * owns and one owned by a team nobody here is in. Checked through the catalog's REST API as the
 * frontend and search read it: lists, queries, an entity by name (404 out of scope), by refs
 * and facets.
 */
import { Server } from 'http';
import path from 'path';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { KINDS } from '@butler-portal/plugin-gitops-common';
// the policy under test is the permission plugin's module (test code only)
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import permissionModuleButler from '@butler-portal/plugin-permission-backend-module-butler';
import {
  authWithActor,
  userInfoWithGroups,
} from '@butler-portal/plugin-permission-backend-module-butler/testUtils';
import request from 'supertest';
import { ANNOTATION_OWNING_TEAM } from './entity/annotations';
import catalogModuleGitOps from './index';
import { fixedGitProviders } from './__testUtils__/gitEventsRelay';
import {
  artifactYaml,
  createTestRepository,
  makeTempDir,
  removeTempDirs,
  workspaceYaml,
  writeFiles,
} from './__testUtils__/localRepository';

const group = (name: string, annotations: Record<string, string> = {}) => `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${name}
  annotations: ${JSON.stringify(annotations)}
spec:
  type: team
  children: []
`;
const user = (name: string, annotations: Record<string, string> = {}) => `
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ${name}
  annotations: ${JSON.stringify(annotations)}
spec:
  profile:
    email: ${name}@example.com
  memberOf: []
`;

/** Every Group is a team (its name its namespace); root is a platform admin, pat a viewer. */
const ORG = [
  group('team-a', {
    'butler.butlerlabs.dev/member-roles': 'alice@example.com=admin',
  }),
  group('team-b', { 'butler.butlerlabs.dev/default-role': 'admin' }),
  group('platform', { 'butler.butlerlabs.dev/platform-admin': 'true' }),
  user('root'),
  user('alice'),
  user('bob'),
  user('nina'),
  user('pat', { 'butler.butlerlabs.dev/platform-viewer': 'true' }),
  `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
spec:
  type: website
  lifecycle: production
  owner: group:default/team-a
`,
].join('\n---\n');

const GROUPS = {
  'user:default/root': ['group:default/platform'],
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
};

const ALL_WORKSPACES = [
  'commons/common',
  'team-a/a-dev',
  'team-a/bobs',
  'team-b/b-dev',
  'team-b/claimed',
];

describe('catalog.entity.read of GitOps entities, by owning team', () => {
  let server: Server;
  let stop: () => Promise<void>;

  const as = (name: string) => ({
    Authorization: mockCredentials.user.header(`user:default/${name}`),
  });
  const refsOf = (entities: Entity[]) =>
    entities.map(e => `${e.metadata.namespace}/${e.metadata.name}`).sort();
  const workspacesOf = async (name: string) => {
    const res = await request(server)
      .get('/api/catalog/entities?filter=kind=workspace')
      .set(as(name))
      .expect(200);
    return refsOf(res.body);
  };

  beforeAll(async () => {
    const gitProviders = fixedGitProviders();
    const platform = await createTestRepository({
      'workspaces/team-a/a-dev.yaml': workspaceYaml('team-a', 'a-dev'),
      'workspaces/team-b/b-dev.yaml': workspaceYaml('team-b', 'b-dev'),
      // in team-b's folder, but declared team-a's: team-a's
      'workspaces/team-b/claimed.yaml': workspaceYaml('team-b', 'claimed', {
        annotations: { 'portal.butlerlabs.dev/owner': 'group:default/team-a' },
      }),
      // team-a's, and its owner bob's (a person named by spec.owner reads the file)
      'workspaces/team-a/bobs.yaml': workspaceYaml('team-a', 'bobs', {
        owner: 'Bob@example.com',
      }),
      // no declared team, in a namespace of no team: everyone's
      'workspaces/commons/common.yaml': workspaceYaml('commons', 'common'),
      // declared platform-team's (spec.owner), a team none of these users is in
      'artifacts/commons/lib.yaml': artifactYaml('commons', 'lib'),
    });
    const orgDir = await makeTempDir();
    await writeFiles(orgDir, { 'org.yaml': ORG });
    const kinds = KINDS.map(k => k.kind);

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleGitOps,
        eventsServiceFactory,
        gitProviders.factory([
          { id: 'platform', provider: platform.provider, kinds },
        ]),
        permissionPlugin,
        permissionModuleButler,
        authWithActor,
        // the real httpAuth on top of it (the mock's builds its own auth and drops the actor)
        httpAuthServiceFactory,
        userInfoWithGroups(GROUPS),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['User', 'Group', 'Component', ...kinds] }],
              locations: [
                { type: 'file', target: path.join(orgDir, 'org.yaml') },
              ],
              providers: {
                gitops: {
                  schedule: {
                    frequency: { hours: 1 },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server as Server;
    stop = () => backend.stop();

    // everything ingested, as the platform admin sees it
    const deadline = Date.now() + 45_000;
    for (;;) {
      const res = await request(server)
        .get(
          '/api/catalog/entities?filter=kind=workspace,kind=artifact,kind=user,kind=component',
        )
        .set(as('root'));
      const names = res.status === 200 ? refsOf(res.body) : [];
      if (names.length === 5 + 1 + 5 + 1) break;
      if (Date.now() > deadline) {
        throw new Error(`not ingested: ${res.status} ${names.join(', ')}`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    await removeTempDirs();
  });

  it('records the declared owning team on the entity', async () => {
    const get = async (ref: string) =>
      (
        await request(server)
          .get(`/api/catalog/entities/by-name/workspace/${ref}`)
          .set(as('root'))
          .expect(200)
      ).body as Entity;
    expect(
      (await get('team-b/claimed')).metadata.annotations?.[
        ANNOTATION_OWNING_TEAM
      ],
    ).toBe('team-a');
    expect(
      (await get('team-a/a-dev')).metadata.annotations?.[
        ANNOTATION_OWNING_TEAM
      ],
    ).toBeUndefined();
  });

  it("lists each user the GitOps entities of their teams and nobody's, platform admins and viewers all", async () => {
    expect(await workspacesOf('root')).toEqual(ALL_WORKSPACES);
    expect(await workspacesOf('pat')).toEqual(ALL_WORKSPACES);
    expect(await workspacesOf('alice')).toEqual([
      'commons/common',
      'team-a/a-dev',
      'team-a/bobs',
      'team-b/claimed',
    ]);
    expect(await workspacesOf('bob')).toEqual([
      'commons/common',
      'team-a/bobs',
      'team-b/b-dev',
    ]);
    expect(await workspacesOf('nina')).toEqual(['commons/common']);
    // the paged query applies the same condition in the database
    const res = await request(server)
      .get('/api/catalog/entities/by-query?filter=kind=workspace&limit=10')
      .set(as('bob'))
      .expect(200);
    expect(res.body.totalItems).toBe(3);
    expect(refsOf(res.body.items)).toEqual([
      'commons/common',
      'team-a/bobs',
      'team-b/b-dev',
    ]);
  });

  it("answers 404 for another team's entity by name, and null by ref", async () => {
    for (const ref of ['team-a/a-dev', 'team-b/claimed']) {
      await request(server)
        .get(`/api/catalog/entities/by-name/workspace/${ref}`)
        .set(as('bob'))
        .expect(404);
    }
    await request(server)
      .get('/api/catalog/entities/by-name/artifact/commons/lib')
      .set(as('bob'))
      .expect(404);
    for (const ref of ['team-b/b-dev', 'commons/common']) {
      await request(server)
        .get(`/api/catalog/entities/by-name/workspace/${ref}`)
        .set(as('bob'))
        .expect(200);
    }
    await request(server)
      .get('/api/catalog/entities/by-name/artifact/commons/lib')
      .set(as('pat'))
      .expect(200);
    const res = await request(server)
      .post('/api/catalog/entities/by-refs')
      .set(as('bob'))
      .send({
        entityRefs: ['workspace:team-a/a-dev', 'workspace:team-b/b-dev'],
      })
      .expect(200);
    expect(
      res.body.items.map((e: Entity | null) => e?.metadata.name ?? null),
    ).toEqual([null, 'b-dev']);
  });

  it("refuses to refresh another team's entity as one that does not exist (its existence is not told)", async () => {
    const refresh = async (entityRef: string) =>
      (
        await request(server)
          .post('/api/catalog/refresh')
          .set(as('bob'))
          .send({ entityRef })
      ).status;
    expect(await refresh('workspace:team-a/a-dev')).toBe(403);
    expect(await refresh('workspace:team-a/no-such')).toBe(403);
    expect(await refresh('workspace:team-b/b-dev')).toBe(200);
  });

  it('counts in facets only what the user reads', async () => {
    const facets = async (name: string) => {
      const res = await request(server)
        .get(
          '/api/catalog/entity-facets?facet=metadata.namespace&filter=kind=workspace',
        )
        .set(as(name))
        .expect(200);
      return res.body.facets['metadata.namespace']
        .map((f: { value: string; count: number }) => `${f.value}:${f.count}`)
        .sort();
    };
    expect(await facets('bob')).toEqual(['commons:1', 'team-a:1', 'team-b:1']);
    expect(await facets('nina')).toEqual(['commons:1']);
    expect(await facets('root')).toEqual(['commons:1', 'team-a:2', 'team-b:2']);
  });

  it('decides one entity by ref as search results and entity pages ask (the same rule, applied by the catalog)', async () => {
    const decide = async (name: string, resourceRef: string) => {
      const res = await request(server)
        .post('/api/permission/authorize')
        .set(as(name))
        .send({
          items: [
            {
              id: '1',
              permission: catalogEntityReadPermission,
              resourceRef,
            },
          ],
        })
        .expect(200);
      return res.body.items[0].result;
    };
    const refs = [
      'workspace:team-a/a-dev',
      'workspace:team-b/b-dev',
      'workspace:team-b/claimed',
      'workspace:commons/common',
      'artifact:commons/lib',
      'component:default/web',
    ];
    const allowed = async (name: string) => {
      const result: string[] = [];
      for (const ref of refs) {
        if ((await decide(name, ref)) === 'ALLOW') result.push(ref);
      }
      return result;
    };
    expect(await allowed('bob')).toEqual([
      'workspace:team-b/b-dev',
      'workspace:commons/common',
      'component:default/web',
    ]);
    expect(await allowed('alice')).toEqual([
      'workspace:team-a/a-dev',
      'workspace:team-b/claimed',
      'workspace:commons/common',
      'component:default/web',
    ]);
    expect(await allowed('pat')).toEqual(refs);
  });

  it("leaves the catalog's writes (unregistering, registering locations) to platform admins", async () => {
    const uidOf = async (ref: string) =>
      (
        await request(server)
          .get(`/api/catalog/entities/by-name/${ref}`)
          .set(as('root'))
          .expect(200)
      ).body.metadata.uid as string;
    const own = await uidOf('workspace/team-b/b-dev');
    const location = {
      type: 'url',
      target: 'https://example.com/catalog-info.yaml',
    };
    // bob is an admin of team-b and reads the entity, yet may not unregister it by hand
    const statuses = [
      (
        await request(server)
          .delete(`/api/catalog/entities/by-uid/${own}`)
          .set(as('bob'))
      ).status,
      (
        await request(server)
          .post('/api/catalog/locations')
          .set(as('bob'))
          .send(location)
      ).status,
      (
        await request(server)
          .post('/api/catalog/locations?dryRun=true')
          .set(as('pat'))
          .send(location)
      ).status,
      // still there; a platform admin may unregister it (the provider restores it from Git)
      (
        await request(server)
          .get('/api/catalog/entities/by-name/workspace/team-b/b-dev')
          .set(as('bob'))
      ).status,
      (
        await request(server)
          .delete(`/api/catalog/entities/by-uid/${own}`)
          .set(as('root'))
      ).status,
    ];
    expect(statuses).toEqual([403, 403, 403, 200, 204]);
  });

  it('keeps every other entity readable by everyone', async () => {
    for (const name of ['bob', 'nina']) {
      const res = await request(server)
        .get('/api/catalog/entities?filter=kind=user,kind=group,kind=component')
        .set(as(name))
        .expect(200);
      expect(res.body).toHaveLength(5 + 3 + 1);
      await request(server)
        .get('/api/catalog/entities/by-name/component/default/web')
        .set(as(name))
        .expect(200);
    }
  });
});
