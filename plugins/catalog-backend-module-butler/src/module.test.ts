/*
 * The module in a real backend: the catalog plugin with this module, the shared inventory
 * configured with `butler.managementCluster` pointing at the test API server. Everything is
 * checked through the catalog's own REST API, as the portal's frontend reads it.
 */
import { Server } from 'http';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  type KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import {
  butlerClient,
  INVENTORY_CRDS,
  twoTeams,
} from '@butler-portal/plugin-butler-node/testUtils';
import request from 'supertest';
import catalogModuleButler from './index';

jest.setTimeout(90_000);

describe('catalog module butler', () => {
  let kube: KubeTestApiServerHandle;
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    kube = await startKubeTestApiServer({
      crds: loadButlerCrds(INVENTORY_CRDS),
      namespaces: ['team-a', 'team-b'],
    });
    const client = butlerClient(kube.kubeconfig);
    for (const object of twoTeams()) await client.create(object);
    const dir = createMockDirectory({
      content: { 'kubeconfig.yaml': kube.kubeconfigYaml },
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleButler,
        mockServices.rootConfig.factory({
          data: {
            butler: {
              managementCluster: {
                kubeconfigPath: `${dir.path}/kubeconfig.yaml`,
              },
            },
            catalog: {
              rules: [{ allow: ['User', 'Group', 'Resource', 'Location'] }],
            },
          },
        }),
      ],
    });
    server = backend.server as Server;
    stop = () => backend.stop();
  });
  afterAll(async () => {
    await stop?.();
    await kube?.stop();
  });

  const entity = (kind: string, namespace: string, name: string) =>
    request(server).get(
      `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
    );

  const relationsOf = (body: any, type: string) =>
    (body.relations ?? [])
      .filter((r: any) => r.type === type)
      .map((r: any) => r.targetRef)
      .sort();

  it('holds the clusters as Resources owned by the teams, the teams as Groups with members', async () => {
    const cluster = await eventually(async () => {
      const res = await entity('resource', 'team-a', 'a-dev');
      return res.status === 200 && res.body.relations?.length
        ? res.body
        : undefined;
    }, 'the cluster entity');
    expect(cluster.spec).toEqual({
      type: 'kubernetes-cluster',
      owner: 'group:default/team-a',
      dependsOn: ['tenantaddon:team-a/prometheus'],
    });
    expect(relationsOf(cluster, 'ownedBy')).toEqual(['group:default/team-a']);
    const group = await eventually(async () => {
      const res = await entity('group', 'default', 'team-a');
      return res.status === 200 && relationsOf(res.body, 'hasMember').length
        ? res.body
        : undefined;
    }, 'the group with its members');
    expect(relationsOf(group, 'hasMember')).toEqual(['user:default/alice']);
    const alice = await entity('user', 'default', 'alice').expect(200);
    expect(alice.body.spec.profile).toEqual({
      email: 'alice@example.com',
      displayName: 'Alice',
    });
  });

  it('follows a phase change of one cluster, and a Team deleted leaves the catalog', async () => {
    const client = butlerClient(kube.kubeconfig);
    await client.setStatus(
      'TenantCluster',
      'a-prod',
      { phase: 'Failed' },
      'team-a',
    );
    await eventually(async () => {
      const res = await entity('resource', 'team-a', 'a-prod');
      return res.body?.metadata?.annotations?.[
        'butler.butlerlabs.dev/phase'
      ] === 'Failed'
        ? true
        : undefined;
    }, 'the phase in the catalog');

    await client.delete('Team', 'team-b');
    const gone = await eventually(async () => {
      const res = await entity('group', 'default', 'team-b');
      return res.status === 404 ? res.body : undefined;
    }, 'the team to leave the catalog');
    expect(gone.error.name).toBe('NotFoundError');
  });
});
