import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import { startClusterTestEnvironment } from './clusterTestEnvironment';
import { startKubeTestApiServer } from './startKubeTestApiServer';

const WORKSPACE_CRD = 'workspaces.butler.butlerlabs.dev';

describe('startClusterTestEnvironment', () => {
  const saved = process.env.TEST_KUBECONFIG;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEST_KUBECONFIG;
    else process.env.TEST_KUBECONFIG = saved;
  });

  it('starts the test server with the CRDs asked for, working in team-a', async () => {
    delete process.env.TEST_KUBECONFIG;
    const env = await startClusterTestEnvironment({ crds: [WORKSPACE_CRD] });
    try {
      expect(env.cluster).toBe('kube-test-apiserver');
      expect(env.namespace).toBe('team-a');
      expect(env.kubeconfigYaml).toContain(env.server!.url);
      const crds = await env.kubeConfig
        .makeApiClient(ApiextensionsV1Api)
        .listCustomResourceDefinition();
      expect(crds.items.map(c => c.metadata?.name)).toEqual([WORKSPACE_CRD]);
      const list = await env.kubeConfig
        .makeApiClient(CustomObjectsApi)
        .listNamespacedCustomObject({
          group: 'butler.butlerlabs.dev',
          version: 'v1alpha1',
          namespace: env.namespace,
          plural: 'workspaces',
        });
      expect(list.items).toEqual([]);
    } finally {
      await env.cleanup();
    }
  });

  it('uses the cluster of $TEST_KUBECONFIG in a namespace of its own, deleted on cleanup', async () => {
    // a "real" cluster: another test server, reached only through a kubeconfig file
    const cluster = await startKubeTestApiServer({ namespaces: ['default'] });
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'kubecfg-'));
    try {
      const file = path.join(dir, 'config');
      await fs.promises.writeFile(file, cluster.kubeconfigYaml);
      process.env.TEST_KUBECONFIG = file;
      const env = await startClusterTestEnvironment({ crds: [WORKSPACE_CRD] });
      expect(env.cluster).toBe('TEST_KUBECONFIG');
      expect(env.server).toBeUndefined();
      expect(env.namespace).toMatch(/^butler-portal-test-[0-9a-f]{8}$/);
      const core = cluster.kubeconfig.makeApiClient(CoreV1Api);
      const created = await core.readNamespace({ name: env.namespace });
      expect(created.metadata?.labels).toMatchObject({
        'portal.butlerlabs.dev/test': 'true',
      });
      await env.cleanup();
      const names = (await core.listNamespace()).items.map(
        n => n.metadata?.name,
      );
      expect(names).not.toContain(env.namespace);
    } finally {
      await cluster.stop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  it('names $TEST_KUBECONFIG when its file does not exist', async () => {
    process.env.TEST_KUBECONFIG = '/nonexistent/kubeconfig';
    await expect(
      startClusterTestEnvironment({ crds: [WORKSPACE_CRD] }),
    ).rejects.toThrow(
      'TEST_KUBECONFIG: kubeconfig /nonexistent/kubeconfig does not exist',
    );
  });
});
