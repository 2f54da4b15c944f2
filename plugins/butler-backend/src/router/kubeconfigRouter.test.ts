/*
 * The kubeconfig download over HTTP, in front of a real inventory and a test API server holding
 * the TenantClusters and their kubeconfig Secrets, decided by the portal's real policy (roles
 * from the same inventory); every role's answer is in permission-backend-module-butler's
 * matrix test.
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  loadButlerCrds,
  startKubeTestApiServer,
  type KubeTestApiServerHandle,
} from '@butler-portal/kube-test-apiserver';
import {
  ClusterInventory,
  TenantKubeconfigReader,
} from '@butler-portal/plugin-butler-node';
import {
  butlerClient,
  INVENTORY_CRDS,
  twoTeams,
} from '@butler-portal/plugin-butler-node/testUtils';
import { CoreV1Api } from '@kubernetes/client-node';
import express from 'express';
import request from 'supertest';
import { createKubeconfigRouter } from './kubeconfigRouter';
import { policyPermissions } from '../__testUtils__/policyPermissions';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice'; // team-a
const BOB = 'user:default/bob'; // team-b
const ROOT = 'user:default/root'; // platform admin
const NOBODY = 'user:default/guest';
const MALLORY = 'user:default/mallory'; // a disabled User

// what the download must carry and no log or audit record may
const TOKEN = 'tenant-token-7f3a9c';
const TENANT_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: a-dev
    cluster:
      server: https://a-dev.team-a.k8s.example.com:6443
users:
  - name: admin
    user:
      token: ${TOKEN}
contexts:
  - name: a-dev
    context: { cluster: a-dev, user: admin }
current-context: a-dev
`;

const as = (ref: string) => ({
  Authorization: mockCredentials.user.header(ref),
});

describe('GET /clusters/:namespace/:name/kubeconfig', () => {
  let server: KubeTestApiServerHandle;
  let inventory: ClusterInventory;
  let app: express.Express;
  const auditor = mockServices.auditor.mock();
  const audit = { success: jest.fn(), fail: jest.fn() };

  beforeAll(async () => {
    server = await startKubeTestApiServer({
      crds: loadButlerCrds(INVENTORY_CRDS),
      namespaces: ['default', 'team-a', 'team-b', 'team-a-a-dev'],
    });
    const client = butlerClient(server.kubeconfig);
    for (const object of twoTeams()) await client.create(object);
    for (const [ns, name] of [
      ['team-a', 'a-dev'],
      ['team-b', 'b-dev'],
    ]) {
      await client.setStatus(
        'TenantCluster',
        name,
        {
          kubeconfigSecretRef: { name: `${name}-kubeconfig` },
        },
        ns,
      );
    }
    // a-dev's Secret where the controller keeps it (status.tenantNamespace); b-dev's is missing
    await server.kubeconfig.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: 'team-a-a-dev',
      body: {
        metadata: { name: 'a-dev-kubeconfig' },
        data: { value: Buffer.from(TENANT_KUBECONFIG).toString('base64') },
      },
    });
    inventory = new ClusterInventory({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
    });
    await inventory.start();

    auditor.createEvent.mockImplementation(async () => audit as any);
    const permissions = policyPermissions(inventory);
    app = express();
    app.use(
      await createKubeconfigRouter({
        inventory,
        kubeconfigs: new TenantKubeconfigReader(server.kubeconfig),
        httpAuth: mockServices.httpAuth({
          defaultCredentials: mockCredentials.none(),
        }),
        auth: mockServices.auth(),
        permissions,
        auditor,
      }),
    );
    app.use(mockErrorHandler());
  });
  afterAll(async () => {
    await inventory.stop();
    await server.stop();
  });
  beforeEach(() => {
    auditor.createEvent.mockClear();
    audit.success.mockClear();
    audit.fail.mockClear();
  });

  it("serves the cluster's team a download that is never cached, and audits who took which", async () => {
    for (const who of [ALICE, ROOT]) {
      const res = await request(app)
        .get('/clusters/team-a/a-dev/kubeconfig')
        .set(as(who))
        .buffer(true)
        .parse((r, done) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => done(null, text));
        })
        .expect(200);
      expect(res.body).toBe(TENANT_KUBECONFIG);
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="a-dev-kubeconfig.yaml"',
      );
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    }
    expect(auditor.createEvent.mock.calls.map(([e]) => e.meta)).toEqual([
      { actor: ALICE, cluster: 'team-a/a-dev' },
      { actor: ROOT, cluster: 'team-a/a-dev' },
    ]);
    expect(auditor.createEvent.mock.calls[0][0]).toMatchObject({
      eventId: 'kubeconfig-download',
      severityLevel: 'high',
    });
    expect(audit.success.mock.calls.map(([o]) => o.meta)).toEqual([
      {
        actor: ALICE,
        cluster: 'team-a/a-dev',
        team: 'team-a',
        secret: 'team-a-a-dev/a-dev-kubeconfig',
      },
      {
        actor: ROOT,
        cluster: 'team-a/a-dev',
        team: 'team-a',
        secret: 'team-a-a-dev/a-dev-kubeconfig',
      },
    ]);
    // the content is in no audit record
    expect(
      JSON.stringify([
        auditor.createEvent.mock.calls.map(([e]) => e.meta),
        audit.success.mock.calls,
      ]),
    ).not.toContain(TOKEN);
  });

  it("answers another team's member and a user without a team 404, as the cluster routes, and audits the attempt", async () => {
    for (const who of [BOB, NOBODY]) {
      const res = await request(app)
        .get('/clusters/team-a/a-dev/kubeconfig')
        .set(as(who))
        .expect(404);
      // the cluster routes' answer: its existence is not confirmed
      expect(res.body.error.message).toBe(
        'no TenantCluster team-a/a-dev among the clusters of your teams',
      );
      expect(res.text).not.toContain(TOKEN);
    }
    // a disabled User is refused outright, before any cluster is looked up: the answer names
    // no cluster
    const refused = await request(app)
      .get('/clusters/team-a/a-dev/kubeconfig')
      .set(as(MALLORY))
      .expect(403);
    expect(refused.body.error.message).toBe(
      `${MALLORY} is not allowed butler.cluster.read`,
    );
    expect(audit.success).not.toHaveBeenCalled();
    expect(audit.fail.mock.calls.map(([o]) => [o.meta, o.error.name])).toEqual([
      [{ actor: BOB, cluster: 'team-a/a-dev' }, 'NotFoundError'],
      [{ actor: NOBODY, cluster: 'team-a/a-dev' }, 'NotFoundError'],
      [{ actor: MALLORY, cluster: 'team-a/a-dev' }, 'NotAllowedError'],
    ]);
  });

  it('answers a probe the same for a cluster that exists and one that does not, and audits it', async () => {
    // bob guesses names in team-a: what he gets must not tell which exist
    const answer = async (who: string, name: string) => {
      const res = await request(app)
        .get(`/clusters/team-a/${name}/kubeconfig`)
        .set(as(who));
      return [res.status, res.body.error?.message.replace(name, '<name>')];
    };
    for (const who of [BOB, NOBODY, MALLORY]) {
      expect([who, await answer(who, 'nope')]).toEqual([
        who,
        await answer(who, 'a-dev'),
      ]);
    }
    expect(await answer(BOB, 'nope')).toEqual([
      404,
      'no TenantCluster team-a/<name> among the clusters of your teams',
    ]);
    expect(await answer(MALLORY, 'nope')).toEqual([
      403,
      `${MALLORY} is not allowed butler.cluster.read`,
    ]);
    // every attempt is recorded, one that named no cluster too
    expect(
      audit.fail.mock.calls
        .filter(([o]) => o.meta.cluster === 'team-a/nope')
        .map(([o]) => [o.meta.actor, o.error.name]),
    ).toEqual([
      [BOB, 'NotFoundError'],
      [NOBODY, 'NotFoundError'],
      [MALLORY, 'NotAllowedError'],
      [BOB, 'NotFoundError'],
      [MALLORY, 'NotAllowedError'],
    ]);
    expect(audit.success).not.toHaveBeenCalled();
  });

  it('answers 404 for an unknown cluster, 401 without a session, 400 for a bad name', async () => {
    const missing = await request(app)
      .get('/clusters/team-a/nope/kubeconfig')
      .set(as(ALICE))
      .expect(404);
    expect(missing.body.error.message).toBe(
      'no TenantCluster team-a/nope among the clusters of your teams',
    );
    expect(auditor.createEvent.mock.calls.map(([e]) => e.meta)).toEqual([
      { actor: ALICE, cluster: 'team-a/nope' },
    ]);
    await request(app).get('/clusters/team-a/a-dev/kubeconfig').expect(401);
    const bad = await request(app)
      .get('/clusters/team-a/A_DEV/kubeconfig')
      .set(as(ALICE))
      .expect(400);
    expect(bad.body.error.message).toMatch(/^name "A_DEV"/);
    // neither a request without a session nor a bad name is an attempt on a cluster
    expect(auditor.createEvent).toHaveBeenCalledTimes(1);
  });

  it('names the missing Secret, or the missing status field, in a clear error', async () => {
    const noSecret = await request(app)
      .get('/clusters/team-b/b-dev/kubeconfig')
      .set(as(BOB))
      .expect(503);
    expect(noSecret.body.error.message).toBe(
      'TenantCluster team-b/b-dev: the kubeconfig Secret team-b-b-dev/b-dev-kubeconfig (status.kubeconfigSecretRef) does not exist on the management cluster',
    );
    const noRef = await request(app)
      .get('/clusters/team-a/a-prod/kubeconfig')
      .set(as(ALICE))
      .expect(503);
    expect(noRef.body.error.message).toBe(
      'TenantCluster team-a/a-prod has no kubeconfig yet: status.kubeconfigSecretRef is not set (the cluster is still being provisioned?)',
    );
    expect(audit.fail).toHaveBeenCalledTimes(2);
  });
});
