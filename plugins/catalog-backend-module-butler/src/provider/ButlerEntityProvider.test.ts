/*
 * The provider against a real inventory on the test API server seeded with two teams, through a
 * recording catalog connection: the full set once everything is listed, then deltas of exactly
 * the entities an event changes.
 */
import type { Entity } from '@backstage/catalog-model';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { mockServices } from '@backstage/backend-test-utils';
import {
  type KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import {
  ClusterInventory,
  NOT_CONFIGURED_REASON,
  UnavailableInventory,
} from '@butler-portal/plugin-butler-node';
import {
  butlerClient,
  INVENTORY_CRDS,
  tenantAddon,
  twoTeams,
  user,
} from '@butler-portal/plugin-butler-node/testUtils';
import { ButlerEntityProvider } from './ButlerEntityProvider';

jest.setTimeout(60_000);

function recordingConnection() {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    async applyMutation(m) {
      mutations.push(m);
    },
    async refresh() {},
  };
  return { connection, mutations };
}

const refOf = (e: Entity) =>
  `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`;

describe('ButlerEntityProvider', () => {
  let server: KubeTestApiServerHandle;
  let inventory: ClusterInventory;
  let provider: ButlerEntityProvider;
  let mutations: EntityProviderMutation[];
  let client: ReturnType<typeof butlerClient>;
  let sentBeforeListing: number;

  beforeAll(async () => {
    server = await startKubeTestApiServer({
      crds: loadButlerCrds(INVENTORY_CRDS),
      namespaces: ['team-a', 'team-b'],
    });
    client = butlerClient(server.kubeconfig);
    for (const object of twoTeams()) await client.create(object);
    inventory = new ClusterInventory({
      kubeConfig: server.kubeconfig,
      backoffMs: 50,
    });
    provider = new ButlerEntityProvider({
      inventory,
      logger: mockServices.logger.mock(),
      syncPollMs: 20,
    });
    const recorded = recordingConnection();
    mutations = recorded.mutations;
    // connected before the cluster is read: nothing is sent until every kind is listed
    await provider.connect(recorded.connection);
    sentBeforeListing = mutations.length;
    await inventory.start();
    await eventually(
      () => (mutations.length ? true : undefined),
      'the full mutation',
    );
  });
  afterAll(async () => {
    provider.close();
    await inventory.stop();
    await server.stop();
  });

  const full = () =>
    mutations[0] as Extract<EntityProviderMutation, { type: 'full' }>;
  const entity = (ref: string) =>
    full()
      .entities.map(d => d.entity)
      .find(e => refOf(e) === ref)!;

  it('hands the catalog every cluster, team and user once everything is listed', () => {
    expect(sentBeforeListing).toBe(0);
    expect(full().type).toBe('full');
    expect(
      full()
        .entities.map(d => refOf(d.entity))
        .sort(),
    ).toEqual([
      'Group:default/team-a',
      'Group:default/team-b',
      'Resource:team-a/a-dev',
      'Resource:team-a/a-prod',
      'Resource:team-b/b-dev',
      'User:default/alice',
      'User:default/bob',
      'User:default/mallory',
      'User:default/root',
    ]);
  });

  it('makes a TenantCluster a kubernetes-cluster Resource owned by its team, with its live state and addons', () => {
    expect(entity('Resource:team-a/a-prod')).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'a-prod',
        namespace: 'team-a',
        title: 'a-prod (team-a)',
        description: 'Butler tenant cluster team-a/a-prod',
        annotations: {
          'backstage.io/managed-by-location': 'butler:management-cluster',
          'backstage.io/managed-by-origin-location':
            'butler:management-cluster',
          'butler.butlerlabs.dev/tenant-cluster': 'team-a/a-prod',
          'butler.butlerlabs.dev/team': 'team-a',
          'butler.butlerlabs.dev/phase': 'Provisioning',
          'butler.butlerlabs.dev/kubernetes-version': 'v1.31.4',
          'butler.butlerlabs.dev/observed-kubernetes-version': 'v1.31.4',
          'butler.butlerlabs.dev/endpoint':
            'https://a-prod.team-a.k8s.example.com:6443',
          'butler.butlerlabs.dev/workers-desired': '3',
          'butler.butlerlabs.dev/workers-ready': '1',
        },
        tags: ['butler', 'tenant-cluster'],
      },
      spec: { type: 'kubernetes-cluster', owner: 'group:default/team-a' },
    });
    expect(entity('Resource:team-a/a-dev').spec).toEqual({
      type: 'kubernetes-cluster',
      owner: 'group:default/team-a',
      dependsOn: ['tenantaddon:team-a/prometheus'],
    });
  });

  it('makes a Team a Group with its members and their roles, and a User a User', () => {
    expect(entity('Group:default/team-a')).toMatchObject({
      kind: 'Group',
      metadata: {
        name: 'team-a',
        title: 'Team team-a',
        description: "The team-a team's clusters",
        annotations: {
          'butler.butlerlabs.dev/member-roles': 'alice@example.com=admin',
          'butler.butlerlabs.dev/namespace': 'team-a',
        },
      },
      spec: {
        type: 'team',
        profile: { displayName: 'Team team-a' },
        children: [],
        members: ['user:default/alice'],
      },
    });
    expect(entity('User:default/alice').spec).toEqual({
      profile: { email: 'alice@example.com', displayName: 'Alice' },
      memberOf: ['group:default/team-a'],
    });
    expect(entity('User:default/root').metadata.annotations).toMatchObject({
      'butler.butlerlabs.dev/platform-admin': 'true',
    });
  });

  it('updates only the one cluster whose phase changed', async () => {
    const before = mutations.length;
    await client.setStatus(
      'TenantCluster',
      'a-prod',
      { phase: 'Ready' },
      'team-a',
    );
    await eventually(
      () => (mutations.length > before ? true : undefined),
      'the delta',
    );
    const delta = mutations[before];
    expect(delta).toMatchObject({ type: 'delta', removed: [] });
    const added = (delta as any).added.map((d: any) => d.entity);
    expect(added.map(refOf)).toEqual(['Resource:team-a/a-prod']);
    expect(added[0].metadata.annotations['butler.butlerlabs.dev/phase']).toBe(
      'Ready',
    );
  });

  it("adds an addon to its cluster's dependsOn", async () => {
    const before = mutations.length;
    await client.create(tenantAddon('team-b', 'loki', 'b-dev'));
    const delta = await eventually(
      () => mutations.slice(before).find(m => m.type === 'delta'),
      'the delta',
    );
    expect(
      (delta as any).added.map((d: any) => [
        refOf(d.entity),
        d.entity.spec.dependsOn,
      ]),
    ).toEqual([
      [
        'Resource:team-b/b-dev',
        ['tenantaddon:team-b/loki', 'tenantaddon:team-b/prometheus'],
      ],
    ]);
  });

  it('adds a new User to the Groups that list their email', async () => {
    const before = mutations.length;
    await client.mergePatch('Team', 'team-b', {
      spec: {
        access: {
          users: [
            { name: 'bob@example.com', role: 'operator' },
            { name: 'erin@example.com', role: 'admin' },
          ],
        },
      },
    });
    await eventually(
      () => (mutations.length > before ? true : undefined),
      'the team delta',
    );
    const mid = mutations.length;
    await client.create(user('erin', 'erin@example.com'));
    const added = await eventually(() => {
      const all = mutations
        .slice(mid)
        .flatMap((m: any) => m.added?.map((d: any) => d.entity) ?? []);
      return all.some(e => refOf(e) === 'User:default/erin') &&
        all.some(
          e =>
            refOf(e) === 'Group:default/team-b' &&
            e.spec.members.includes('user:default/erin'),
        )
        ? all
        : undefined;
    }, 'the user and the group');
    expect(
      added.find(e => refOf(e) === 'User:default/erin').spec.memberOf,
    ).toEqual(['group:default/team-b']);
  });

  it('removes a deleted Team from the catalog and from its members', async () => {
    const before = mutations.length;
    await client.delete('Team', 'team-b');
    const delta: any = await eventually(
      () =>
        mutations
          .slice(before)
          .find((m: any) =>
            m.removed?.some(
              (d: any) => refOf(d.entity) === 'Group:default/team-b',
            ),
          ),
      'the removal',
    );
    expect(delta.removed.map((d: any) => refOf(d.entity))).toEqual([
      'Group:default/team-b',
    ]);
    const bob = delta.added
      .map((d: any) => d.entity)
      .find((e: Entity) => refOf(e) === 'User:default/bob');
    expect(bob.spec.memberOf).toEqual([]);
  });

  it('after 410 Gone relists without sending unchanged entities again', async () => {
    await eventually(
      () => (inventory.status().reachable ? true : undefined),
      'the watches',
    );
    const before = mutations.length;
    server.inject({
      match: r => r.query.get('watch') === 'true',
      times: 5,
      respond: {
        code: 503,
        reason: 'ServiceUnavailable',
        message: 'restarting',
      },
    });
    server.closeWatches();
    await eventually(
      () => (inventory.status().reachable ? undefined : true),
      'the outage',
    );
    await client.delete('User', 'mallory');
    server.compactWatchHistory();
    await eventually(
      () => (inventory.status().reachable ? true : undefined),
      'the relist',
    );
    await eventually(
      () => (mutations.length > before ? true : undefined),
      'the delta',
    );
    // give any stray mutation the time to arrive
    await new Promise(resolve => setTimeout(resolve, 200));
    const after = mutations.slice(before) as any[];
    expect(
      after.flatMap(m => m.added.map((d: any) => refOf(d.entity))),
    ).toEqual([]);
    expect(
      after.flatMap(m => m.removed.map((d: any) => refOf(d.entity))),
    ).toEqual(['User:default/mallory']);
  });
});

describe('ButlerEntityProvider without a management cluster', () => {
  it('provides nothing and says why', async () => {
    const logger = mockServices.logger.mock();
    const provider = new ButlerEntityProvider({
      inventory: new UnavailableInventory(false, NOT_CONFIGURED_REASON),
      logger,
    });
    const { connection, mutations } = recordingConnection();
    await provider.connect(connection);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(mutations).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('butler.managementCluster'),
    );
  });
});
