import http from 'http';
import type { AddressInfo } from 'net';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  kubeConfigFor,
  KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { describeKubernetesError } from './kubernetesErrors';
import { makeTimeLimitedApiClient } from './timeLimitedApiClient';

const WORKSPACES = {
  group: 'butler.butlerlabs.dev',
  version: 'v1alpha1',
  namespace: 'team-a',
  plural: 'workspaces',
};

describe('makeTimeLimitedApiClient', () => {
  let server: KubeTestApiServerHandle;
  beforeAll(async () => {
    server = await startKubeTestApiServer({
      crds: loadButlerCrds(['workspaces.butler.butlerlabs.dev']),
      namespaces: ['team-a'],
    });
  });
  afterAll(() => server.stop());

  it('answers like the plain client while the apiserver answers', async () => {
    const api = makeTimeLimitedApiClient(
      server.kubeconfig,
      CustomObjectsApi,
      5_000,
    );
    const list = await api.listNamespacedCustomObject(WORKSPACES);
    expect(list.items).toEqual([]);
  });

  it('gives up on a request the apiserver never answers, after the time limit', async () => {
    const api = makeTimeLimitedApiClient(
      server.kubeconfig,
      CustomObjectsApi,
      200,
    );
    server.inject({ match: { path: '/workspaces' }, respond: 'hang' });
    const failure = await api.listNamespacedCustomObject(WORKSPACES).then(
      () => undefined,
      error => describeKubernetesError(error),
    );
    // the hang lasts until the server stops: only the time limit ends the call
    expect(failure).toMatchObject({ timedOut: true });
  });

  it('reuses one connection for successive requests (client-node opens one per request)', async () => {
    let connections = 0;
    const plain = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'butler.butlerlabs.dev/v1alpha1',
          kind: 'WorkspaceList',
          items: [],
        }),
      );
    });
    plain.on('connection', () => connections++);
    await new Promise<void>(resolve => plain.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = plain.address() as AddressInfo;
      const api = makeTimeLimitedApiClient(
        kubeConfigFor(`http://127.0.0.1:${port}`),
        CustomObjectsApi,
        5_000,
      );
      for (let i = 0; i < 5; i++) {
        await api.listNamespacedCustomObject(WORKSPACES);
      }
      expect(connections).toBe(1);
    } finally {
      plain.closeAllConnections();
      await new Promise(resolve => plain.close(resolve));
    }
  });

  it('refuses a kubeconfig without a current cluster', () => {
    expect(() =>
      makeTimeLimitedApiClient(new KubeConfig(), CustomObjectsApi, 1_000),
    ).toThrow('the kubeconfig has no current cluster');
  });
});
