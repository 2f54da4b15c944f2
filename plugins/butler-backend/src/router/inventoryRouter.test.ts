/*
 * The inventory routes over HTTP in front of a real inventory on the test API server seeded with
 * two teams: who sees what through every route, the live follow-up of creates, updates and
 * deletes, the permission and input checks, and the not-configured and unreachable answers.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import {
  type KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import request from 'supertest';
import {
  butlerClient,
  INVENTORY_CRDS,
  tenantAddon,
  tenantCluster,
  team,
  twoTeams,
  user,
  addonDefinition,
} from '@butler-portal/plugin-butler-node/testUtils';
import { as, inventoryApp } from '../__testUtils__/inventoryApp';
import {
  ClusterInventory,
  NOT_CONFIGURED_REASON,
  UnavailableInventory,
} from '@butler-portal/plugin-butler-node';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice'; // team-a admin (by email)
const BOB = 'user:default/bob'; // team-b operator
const ROOT = 'user:default/root'; // platform admin
const MALLORY = 'user:default/mallory'; // disabled
const SRE = 'user:default/sam'; // no Butler User; team-a through the IdP group "sre"
const NOBODY = 'user:default/guest';

async function startSeeded(): Promise<{
  server: KubeTestApiServerHandle;
  inventory: ClusterInventory;
}> {
  const server = await startKubeTestApiServer({
    crds: loadButlerCrds(INVENTORY_CRDS),
    namespaces: ['default', 'team-a', 'team-b'],
  });
  const client = butlerClient(server.kubeconfig);
  for (const object of twoTeams()) await client.create(object);
  const inventory = new ClusterInventory({
    kubeConfig: server.kubeconfig,
    backoffMs: 20,
  });
  await inventory.start();
  return { server, inventory };
}

describe('inventory routes: visibility by team', () => {
  let server: KubeTestApiServerHandle;
  let inventory: ClusterInventory;
  let app: Awaited<ReturnType<typeof inventoryApp>>['app'];

  beforeAll(async () => {
    ({ server, inventory } = await startSeeded());
    ({ app } = await inventoryApp(inventory, { groups: { [SRE]: ['sre'] } }));
  });
  afterAll(async () => {
    await inventory.stop();
    await server.stop();
  });

  const names = (items: Array<{ namespace?: string; name: string }>) =>
    items.map(i => (i.namespace ? `${i.namespace}/${i.name}` : i.name));

  it('lists the clusters of the teams the user belongs to, all of them for a platform admin', async () => {
    const list = async (who: string) =>
      names(
        (await request(app).get('/clusters').set(as(who)).expect(200)).body
          .items,
      );
    expect(await list(ALICE)).toEqual(['team-a/a-dev', 'team-a/a-prod']);
    expect(await list(BOB)).toEqual(['team-b/b-dev']);
    expect(await list(SRE)).toEqual(['team-a/a-dev', 'team-a/a-prod']);
    expect(await list(ROOT)).toEqual([
      'team-a/a-dev',
      'team-a/a-prod',
      'team-b/b-dev',
    ]);
    // no team: the policy's condition holds for no cluster, an empty list (not a refusal)
    expect(await list(NOBODY)).toEqual([]);
    // a disabled User is refused by the policy outright
    await request(app).get('/clusters').set(as(MALLORY)).expect(403);
  });

  it('never shows a member of team A the clusters, addons or team of team B, through any route', async () => {
    const routes = [
      '/clusters',
      '/clusters?team=team-b',
      '/clusters?namespace=team-b',
      '/clusters/team-b/b-dev',
      '/addons',
      '/addons?namespace=team-b',
      '/addons?cluster=b-dev',
      '/addons/team-b/prometheus',
      '/teams',
      '/teams/team-b',
      '/me',
    ];
    const answers = [];
    for (const route of routes) {
      const res = await request(app).get(route).set(as(ALICE));
      answers.push({
        route,
        status: res.status,
        leaks:
          res.status === 200 &&
          /b-dev|team-b|bob@/.test(JSON.stringify(res.body)),
        // a 404 is "not among yours", whether it exists or not: only what was asked is named
        message: res.status === 404 ? res.body.error.message : undefined,
      });
    }
    expect(answers.filter(a => a.status !== 200 && a.status !== 404)).toEqual(
      [],
    );
    expect(answers.filter(a => a.leaks)).toEqual([]);
    expect(answers.filter(a => a.status === 404).map(a => a.message)).toEqual([
      'no TenantCluster team-b/b-dev among the clusters of your teams',
      'no TenantAddon team-b/prometheus among the addons of your teams',
      'no Team team-b among your teams',
    ]);
    // and the same routes do show them to their own team
    await request(app).get('/clusters/team-b/b-dev').set(as(BOB)).expect(200);
    await request(app)
      .get('/addons/team-b/prometheus')
      .set(as(BOB))
      .expect(200);
    await request(app).get('/teams/team-b').set(as(BOB)).expect(200);
  });

  it('answers a cluster with its conditions, workers, nodes and addons', async () => {
    const res = await request(app)
      .get('/clusters/team-a/a-prod')
      .set(as(ALICE))
      .expect(200);
    expect(res.body).toMatchObject({
      namespace: 'team-a',
      name: 'a-prod',
      team: 'team-a',
      phase: 'Provisioning',
      kubernetesVersion: 'v1.31.4',
      observedKubernetesVersion: 'v1.31.4',
      endpoint: 'https://a-prod.team-a.k8s.example.com:6443',
      workers: { desired: 3, ready: 1 },
      nodes: ['a-prod-worker-0'],
      message: 'Ready=False (WorkersNotReady): 1/3 workers ready',
      observedAddons: [
        {
          name: 'cilium',
          version: '1.16.5',
          status: 'Healthy',
          managedBy: 'butler',
        },
      ],
      conditions: [
        expect.objectContaining({
          type: 'Ready',
          status: 'False',
          reason: 'WorkersNotReady',
        }),
      ],
    });
    const dev = await request(app)
      .get('/clusters/team-a/a-dev')
      .set(as(ALICE))
      .expect(200);
    expect(dev.body.tenantAddons).toEqual([
      expect.objectContaining({
        name: 'prometheus',
        cluster: 'a-dev',
        phase: 'Installed',
        installedVersion: '1.2.0',
      }),
    ]);
    expect(dev.body.message).toBeUndefined();
  });

  it('filters clusters by team and phase, and refuses a phase the CRD does not know', async () => {
    const res = await request(app)
      .get('/clusters?phase=Ready')
      .set(as(ROOT))
      .expect(200);
    expect(names(res.body.items)).toEqual(['team-a/a-dev', 'team-b/b-dev']);
    const byTeam = await request(app)
      .get('/clusters?team=team-b')
      .set(as(ROOT))
      .expect(200);
    expect(names(byTeam.body.items)).toEqual(['team-b/b-dev']);
    const bad = await request(app)
      .get('/clusters?phase=Running')
      .set(as(ROOT))
      .expect(400);
    expect(bad.body.error.message).toMatch(
      /phase "Running" is not a TenantCluster phase/,
    );
  });

  it('shows teams with members, roles, limits and usage, and who the caller is', async () => {
    const teams = await request(app).get('/teams').set(as(ALICE)).expect(200);
    expect(teams.body.items).toEqual([
      {
        name: 'team-a',
        displayName: 'Team team-a',
        description: "The team-a team's clusters",
        namespace: 'team-a',
        members: [
          {
            name: 'alice@example.com',
            role: 'admin',
            user: 'alice',
            displayName: 'Alice',
          },
        ],
        groups: [{ name: 'sre', role: 'operator' }],
        limits: {
          maxClusters: 5,
          maxNodesPerCluster: 10,
          maxTotalNodes: 30,
          allowedKubernetesVersions: ['v1.30.8', 'v1.31.4'],
        },
        usage: { clusters: 2, workerNodes: 6 },
        clusters: ['team-a/a-dev', 'team-a/a-prod'],
        myRole: 'admin',
      },
    ]);
    expect(
      (await request(app).get('/me').set(as(ALICE)).expect(200)).body,
    ).toEqual({
      user: {
        name: 'alice',
        email: 'alice@example.com',
        displayName: 'Alice',
        platformAdmin: false,
        disabled: false,
      },
      platformAdmin: false,
      teams: [{ name: 'team-a', role: 'admin' }],
    });
    expect(
      (await request(app).get('/me').set(as(SRE)).expect(200)).body,
    ).toEqual({
      platformAdmin: false,
      teams: [{ name: 'team-a', role: 'operator' }],
    });
    const all = await request(app).get('/teams').set(as(ROOT)).expect(200);
    expect(all.body.items.map((t: any) => t.name)).toEqual([
      'team-a',
      'team-b',
    ]);
    expect(all.body.items[0].myRole).toBeUndefined();
  });

  it('offers the addon catalog to everyone who may read addons, platform addons marked', async () => {
    const res = await request(app)
      .get('/addon-definitions')
      .set(as(BOB))
      .expect(200);
    expect(
      res.body.items.map((d: any) => [d.name, d.platform, d.category]),
    ).toEqual([
      ['cilium', true, 'cni'],
      ['prometheus', false, 'observability'],
    ]);
    expect(res.body.items[1].chart).toEqual({
      name: 'prometheus',
      repository: 'https://charts.example.com/prometheus',
      defaultVersion: '1.2.0',
      availableVersions: ['1.1.0', '1.2.0'],
    });
  });

  it('refuses hostile names and parameters with a 400 naming them', async () => {
    for (const [route, message] of [
      ['/clusters/..%2Fx/a-dev', /namespace "\.\.\/x" is not a DNS-1123 label/],
      ['/clusters/team-a/A-DEV', /name "A-DEV" is not a DNS-1123 label/],
      ['/clusters?team=../x', /team "\.\.\/x" is not a DNS-1123 subdomain/],
      ['/addons?cluster=a%20b', /cluster "a b" is not a DNS-1123 label/],
      ['/teams/x%2F..', /name "x\/\.\." is not a DNS-1123 subdomain/],
      [
        `/clusters?namespace=${'a'.repeat(64)}`,
        /namespace "a{64}" is not a DNS-1123 label/,
      ],
    ] as const) {
      const res = await request(app).get(route).set(as(ROOT));
      expect({ route, status: res.status }).toEqual({ route, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('tells each viewer, live, only the changes of what they may see', async () => {
    const listen = http.createServer(app).listen(0);
    const port = (listen.address() as AddressInfo).port;
    const stream = (who: string) => {
      const events: string[] = [];
      const req = http.get({ port, path: '/events', headers: as(who) }, res => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', chunk => {
          buffer += chunk;
          const parts = buffer.split('\n\n');
          buffer = parts.pop()!;
          for (const part of parts) {
            const event = /^event: (\w+)/m.exec(part)?.[1];
            const data = /^data: (.*)$/m.exec(part)?.[1];
            if (event === 'change') {
              const e = JSON.parse(data!);
              events.push(`${e.type} ${e.kind} ${e.namespace ?? ''}/${e.name}`);
            }
          }
        });
      });
      return { events, close: () => req.destroy() };
    };
    const alice = stream(ALICE);
    const bob = stream(BOB);
    try {
      await new Promise(resolve => setTimeout(resolve, 200));
      const client = butlerClient(server.kubeconfig);
      await client.create(
        tenantCluster('team-b', 'b-live', { team: 'team-b' }),
      );
      await client.create(
        tenantCluster('team-a', 'a-live', { team: 'team-a' }),
      );
      await eventually(
        () =>
          alice.events.length >= 2 && bob.events.length >= 2 ? true : undefined,
        'the change events',
      );
      expect(alice.events.every(e => !/team-b|b-live/.test(e))).toBe(true);
      expect(alice.events).toContain('add TenantCluster team-a/a-live');
      expect(bob.events).toContain('add TenantCluster team-b/b-live');
      expect(bob.events.every(e => !/a-live/.test(e))).toBe(true);
      await client.delete('TenantCluster', 'b-live', 'team-b');
      await client.delete('TenantCluster', 'a-live', 'team-a');
      await eventually(
        () =>
          alice.events.includes('delete TenantCluster team-a/a-live')
            ? true
            : undefined,
        'the deletion event',
      );
      await eventually(
        () =>
          bob.events.includes('delete TenantCluster team-b/b-live')
            ? true
            : undefined,
        'the deletion event of team B',
      );
      expect(alice.events.every(e => !/team-b|b-live/.test(e))).toBe(true);
    } finally {
      alice.close();
      bob.close();
      listen.close();
    }
  });
});

describe('inventory routes follow the cluster', () => {
  let server: KubeTestApiServerHandle;
  let inventory: ClusterInventory;
  let app: Awaited<ReturnType<typeof inventoryApp>>['app'];

  beforeAll(async () => {
    ({ server, inventory } = await startSeeded());
    ({ app } = await inventoryApp(inventory));
  });
  afterAll(async () => {
    await inventory.stop();
    await server.stop();
  });

  /** Waits (at most 2 s) until the route's answer satisfies the check. */
  const within2s = (
    who: string,
    route: string,
    check: (body: any, status: number) => boolean,
    what: string,
  ) =>
    eventually(
      async () => {
        const res = await request(app).get(route).set(as(who));
        return check(res.body, res.status) ? res.body : undefined;
      },
      what,
      { timeoutMs: 2000 },
    );

  it('follows create, update and delete of a TenantCluster', async () => {
    const client = butlerClient(server.kubeconfig);
    await client.create(
      tenantCluster('team-a', 'a-new', {
        team: 'team-a',
        phase: 'Pending',
        ready: 0,
      }),
    );
    await within2s(
      ALICE,
      '/clusters/team-a/a-new',
      b => b.phase === 'Pending',
      'the create',
    );
    await client.mergePatch(
      'TenantCluster',
      'a-new',
      { spec: { workers: { replicas: 5 } } },
      'team-a',
    );
    await client.setStatus(
      'TenantCluster',
      'a-new',
      { phase: 'Ready' },
      'team-a',
    );
    await within2s(
      ALICE,
      '/clusters/team-a/a-new',
      b => b.phase === 'Ready' && b.spec.workers.replicas === 5,
      'the update',
    );
    await client.delete('TenantCluster', 'a-new', 'team-a');
    const gone = await within2s(
      ALICE,
      '/clusters/team-a/a-new',
      (_b, s) => s === 404,
      'the delete',
    );
    expect(gone.error.name).toBe('NotFoundError');
  });

  it('follows create, update and delete of a TenantAddon', async () => {
    const client = butlerClient(server.kubeconfig);
    await client.create(
      tenantAddon('team-a', 'loki', 'a-dev', { phase: 'Installing' }),
    );
    await within2s(
      ALICE,
      '/addons/team-a/loki',
      b => b.phase === 'Installing',
      'the create',
    );
    await client.setStatus(
      'TenantAddon',
      'loki',
      { phase: 'Degraded', message: 'pod crashloop' },
      'team-a',
    );
    await within2s(
      ALICE,
      '/addons?cluster=a-dev',
      b =>
        b.items.some((a: any) => a.name === 'loki' && a.phase === 'Degraded'),
      'the update',
    );
    await client.delete('TenantAddon', 'loki', 'team-a');
    const gone = await within2s(
      ALICE,
      '/addons/team-a/loki',
      (_b, s) => s === 404,
      'the delete',
    );
    expect(gone.error.name).toBe('NotFoundError');
  });

  it('follows create, update and delete of an AddonDefinition', async () => {
    const client = butlerClient(server.kubeconfig);
    await client.create(addonDefinition('velero', { category: 'backup' }));
    const has = (b: any, f: (d: any) => boolean) => b.items?.some(f);
    await within2s(
      ALICE,
      '/addon-definitions',
      b => has(b, d => d.name === 'velero'),
      'the create',
    );
    await client.mergePatch('AddonDefinition', 'velero', {
      spec: { description: 'Backups of tenant clusters' },
    });
    await within2s(
      ALICE,
      '/addon-definitions',
      b => has(b, d => d.description === 'Backups of tenant clusters'),
      'the update',
    );
    await client.delete('AddonDefinition', 'velero');
    const after = await within2s(
      ALICE,
      '/addon-definitions',
      b => !has(b, d => d.name === 'velero'),
      'the delete',
    );
    expect(after.items.map((d: any) => d.name)).toEqual([
      'cilium',
      'prometheus',
    ]);
  });

  it('follows create, update and delete of a Team, and membership with it', async () => {
    const client = butlerClient(server.kubeconfig);
    const CAROL = 'user:default/carol';
    await client.create(user('carol', 'carol@example.com'));
    await client.create(
      team('team-c', {
        namespace: 'team-b',
        members: [{ email: 'carol@example.com' }],
      }),
    );
    // team-c owns no cluster by teamRef; through its namespace it sees none of team-b's (teamRef wins)
    await within2s(
      CAROL,
      '/me',
      b => b.teams?.[0]?.name === 'team-c',
      'the create',
    );
    await client.mergePatch('Team', 'team-c', {
      spec: {
        access: { users: [{ name: 'carol@example.com', role: 'operator' }] },
      },
    });
    await within2s(
      CAROL,
      '/teams/team-c',
      b => b.myRole === 'operator',
      'the update',
    );
    await client.delete('Team', 'team-c');
    await within2s(CAROL, '/teams/team-c', (_b, s) => s === 404, 'the delete');
    expect(
      (await request(app).get('/me').set(as(CAROL)).expect(200)).body.teams,
    ).toEqual([]);
  });

  it('follows create, update and delete of a User (platform admin)', async () => {
    const client = butlerClient(server.kubeconfig);
    const DAVE = 'user:default/dave';
    await client.create(user('dave', 'dave@example.com'));
    await within2s(DAVE, '/me', b => b.user?.name === 'dave', 'the create');
    await client.mergePatch('User', 'dave', {
      spec: { isPlatformAdmin: true },
    });
    await within2s(DAVE, '/clusters', b => b.items?.length === 3, 'the update');
    await client.delete('User', 'dave');
    const after = await within2s(
      DAVE,
      '/clusters',
      b => b.items?.length === 0,
      'the delete',
    );
    expect(after).toEqual({ items: [] });
  });

  it('reports the cluster unreachable with the reason within seconds, answering 503 meanwhile only until the first list', async () => {
    await server.stop();
    const status = await eventually(
      async () => {
        const res = await request(app)
          .get('/inventory/status')
          .set(as(ALICE))
          .expect(200);
        return res.body.reachable ? undefined : res.body;
      },
      'the outage',
      { timeoutMs: 5000 },
    );
    expect(status.reason).toMatch(
      /management cluster unreachable|watching .* failed/,
    );
    // what was read stays readable (marked stale by the status) rather than a hung page
    const res = await request(app).get('/clusters').set(as(ALICE)).expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });
});

describe('inventory routes without a cluster', () => {
  it('answers 503 with the reason, and the status says how to configure one', async () => {
    const { app } = await inventoryApp(
      new UnavailableInventory(false, NOT_CONFIGURED_REASON),
    );
    const status = await request(app)
      .get('/inventory/status')
      .set(as(ALICE))
      .expect(200);
    expect(status.body).toEqual({
      configured: false,
      reachable: false,
      reason: 'no management cluster is configured (butler.managementCluster)',
      kinds: {},
    });
    for (const route of [
      '/clusters',
      '/addons',
      '/teams',
      '/me',
      '/addon-definitions',
    ]) {
      const res = await request(app).get(route).set(as(ALICE));
      expect({ route, status: res.status }).toEqual({ route, status: 503 });
      expect(res.body.error.message).toBe(NOT_CONFIGURED_REASON);
    }
  });

  it('answers 503 naming a cluster that does not answer, within the request time limit', async () => {
    const server = await startKubeTestApiServer({
      crds: loadButlerCrds(INVENTORY_CRDS),
    });
    server.inject({ match: () => true, times: 1000, respond: 'hang' });
    const inventory = new ClusterInventory({
      kubeConfig: server.kubeconfig,
      requestTimeoutMs: 300,
      backoffMs: 10_000,
    });
    const { app } = await inventoryApp(inventory);
    try {
      const started = inventory.start();
      // the page asks while the cluster hangs: an answer at once, naming why
      const early = await request(app).get('/clusters').set(as(ALICE));
      expect(early.status).toBe(503);
      expect(early.body.error.message).toBe(
        'connecting to the management cluster',
      );
      await started;
      const later = await request(app).get('/clusters').set(as(ALICE));
      expect(later.status).toBe(503);
      expect(later.body.error.message).toBe(
        'the management cluster did not answer within 0.3s',
      );
    } finally {
      await inventory.stop();
      await server.stop();
    }
  });
});

describe('inventory routes and permissions', () => {
  it.each([
    ['/clusters', 'butler.cluster.read'],
    ['/clusters/team-a/a-dev', 'butler.cluster.read'],
    ['/addons', 'butler.addon.read'],
    ['/addons/team-a/prometheus', 'butler.addon.read'],
    ['/addon-definitions', 'butler.addon.read'],
    ['/teams', 'butler.team.read'],
    ['/teams/team-a', 'butler.team.read'],
    ['/me', 'butler.team.read'],
    ['/events', 'butler.cluster.read'],
  ])(
    '%s asks %s and answers 403 when it is denied, 401 when not signed in',
    async (route, permission) => {
      const inventory = new UnavailableInventory(false, NOT_CONFIGURED_REASON);
      const { app, permissions } = await inventoryApp(inventory, {
        allowed: [],
      });
      const res = await request(app).get(route).set(as(ALICE)).expect(403);
      expect(res.body.error.message).toBe(
        `${ALICE} is not allowed ${permission}`,
      );
      // a resource permission: the policy's answer may be a condition, applied by the route
      expect(permissions.authorizeConditional).toHaveBeenCalledWith(
        [{ permission: expect.objectContaining({ name: permission }) }],
        expect.anything(),
      );
      await request(app).get(route).expect(401);
    },
  );
});
