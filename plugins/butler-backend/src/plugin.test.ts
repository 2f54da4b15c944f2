/*
 * The plugin in a test backend: configuration read, permissions registered, the watch started
 * with the backend and stopped with it; without configuration, 503 with the reason.
 */
import { Server } from 'http';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { butlerPermissions } from '@butler-portal/plugin-butler-common';
import type { KubeTestApiServerHandle } from '@butler-portal/kube-test-apiserver';
import request from 'supertest';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import { startTestServer } from './__testUtils__/workspaceCluster';
import { NOT_CONFIGURED_REASON } from './cluster/WorkspaceRuntime';
import { butlerPlugin } from './plugin';

jest.setTimeout(60_000);

const auth = { Authorization: mockCredentials.user.header() };

/** The plugin's configuration: the management cluster of a kubeconfig file. */
function managementClusterAt(kubeconfigPath: string) {
  return mockServices.rootConfig.factory({
    data: { butler: { managementCluster: { kubeconfigPath } } },
  });
}

/** A kubeconfig file for the test server, as an operator would hand it to the portal. */
function kubeconfigFileFor(kube: KubeTestApiServerHandle): string {
  const dir = createMockDirectory({
    content: { 'kubeconfig.yaml': kube.kubeconfigYaml },
  });
  return `${dir.path}/kubeconfig.yaml`;
}

describe('butler backend plugin', () => {
  it('watches the configured cluster from start to shutdown', async () => {
    const kube = await startTestServer();
    const registry = mockServices.permissionsRegistry.mock();
    const backend = await startTestBackend({
      features: [
        butlerPlugin,
        registry.factory,
        managementClusterAt(kubeconfigFileFor(kube)),
      ],
    });
    try {
      const api = request(backend.server as Server);
      expect(registry.addPermissions).toHaveBeenCalledWith(butlerPermissions);
      const status = await eventually(async () => {
        const res = await api.get('/api/butler/status').set(auth).expect(200);
        return res.body.reachable ? res.body : undefined;
      }, 'the cluster to be reachable');
      expect(status).toEqual({ configured: true, reachable: true });
      const list = await api
        .get('/api/butler/workspaces')
        .set(auth)
        .expect(200);
      expect(list.body).toEqual({ items: [] });
    } finally {
      await backend.stop();
    }
    // the watch ended with the backend: no request reaches the cluster any more
    const seen = kube.requests().length;
    kube.closeWatches();
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(kube.requests().length).toBe(seen);
    await kube.stop();
  });

  it('starts the backend even when the cluster does not answer', async () => {
    const kube = await startTestServer();
    kube.inject({ match: () => true, times: 1000, respond: 'hang' });
    const backend = await startTestBackend({
      features: [butlerPlugin, managementClusterAt(kubeconfigFileFor(kube))],
    });
    try {
      const status = await request(backend.server as Server)
        .get('/api/butler/status')
        .set(auth)
        .expect(200);
      expect(status.body).toEqual({
        configured: true,
        reachable: false,
        reason: 'connecting to the management cluster',
      });
    } finally {
      await backend.stop();
      await kube.stop();
    }
  });

  it('serves 503 with the reason when no cluster is configured', async () => {
    const backend = await startTestBackend({
      features: [butlerPlugin, mockServices.rootConfig.factory({ data: {} })],
    });
    try {
      const api = request(backend.server as Server);
      const status = await api.get('/api/butler/status').set(auth).expect(200);
      expect(status.body).toEqual({
        configured: false,
        reachable: false,
        reason: NOT_CONFIGURED_REASON,
      });
      const res = await api
        .post('/api/butler/workspaces/team-a/alice-dev/stop')
        .set(auth)
        .expect(503);
      expect(res.body.error.message).toBe(NOT_CONFIGURED_REASON);
    } finally {
      await backend.stop();
    }
  });

  it('reports a kubeconfig that cannot be loaded in /status instead of failing the backend', async () => {
    const backend = await startTestBackend({
      features: [butlerPlugin, managementClusterAt('/nonexistent/kubeconfig')],
    });
    try {
      const status = await request(backend.server as Server)
        .get('/api/butler/status')
        .set(auth)
        .expect(200);
      expect(status.body).toEqual({
        configured: true,
        reachable: false,
        reason:
          'butler.managementCluster: kubeconfig /nonexistent/kubeconfig does not exist',
      });
    } finally {
      await backend.stop();
    }
  });
});
