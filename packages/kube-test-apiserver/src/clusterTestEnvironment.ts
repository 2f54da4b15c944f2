/*
 * Where a package's cluster tests run: this package's test API server (default), or the real
 * cluster of the kubeconfig in $TEST_KUBECONFIG. On a real cluster the tests work in a
 * namespace of their own, created here and deleted on cleanup; the CRDs the tests need must be
 * installed there (a test run does not install CRDs on a cluster it does not own).
 */
import crypto from 'crypto';
import fs from 'fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadButlerCrds } from './butlerCrds';
import {
  KubeTestApiServerHandle,
  startKubeTestApiServer,
  StartKubeTestApiServerOptions,
} from './startKubeTestApiServer';

export interface ClusterTestEnvironmentOptions {
  /** Butler CRDs the test server installs, by name (`workspaces.butler.butlerlabs.dev`) */
  crds: string[];
  /** test server settings (watch history, bookmark interval); a real cluster has its own */
  server?: Pick<
    StartKubeTestApiServerOptions,
    'watchHistorySize' | 'watchBookmarkIntervalMs'
  >;
}

export interface ClusterTestEnvironment {
  /** what the tests run against */
  cluster: 'kube-test-apiserver' | 'TEST_KUBECONFIG';
  kubeConfig: KubeConfig;
  /** the kubeconfig as YAML, for a file a plugin's configuration points at */
  kubeconfigYaml: string;
  /** a namespace that exists, empty at the start */
  namespace: string;
  /** the test server, when the tests run against it */
  server?: KubeTestApiServerHandle;
  cleanup(): Promise<void>;
}

/** Namespaces of the test server; the tests work in the last one. */
const SERVER_NAMESPACES = ['default', 'team-a'];

export async function startClusterTestEnvironment(
  options: ClusterTestEnvironmentOptions,
): Promise<ClusterTestEnvironment> {
  const kubeconfigPath = process.env.TEST_KUBECONFIG;
  if (!kubeconfigPath) {
    const server = await startKubeTestApiServer({
      ...options.server,
      crds: loadButlerCrds(options.crds),
      namespaces: SERVER_NAMESPACES,
    });
    return {
      cluster: 'kube-test-apiserver',
      kubeConfig: server.kubeconfig,
      kubeconfigYaml: server.kubeconfigYaml,
      namespace: SERVER_NAMESPACES[SERVER_NAMESPACES.length - 1],
      server,
      cleanup: () => server.stop(),
    };
  }
  const kubeConfig = loadTestKubeConfig(kubeconfigPath);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const namespace = `butler-portal-test-${crypto
    .randomBytes(4)
    .toString('hex')}`;
  await core.createNamespace({
    body: {
      metadata: {
        name: namespace,
        labels: { 'portal.butlerlabs.dev/test': 'true' },
      },
    },
  });
  return {
    cluster: 'TEST_KUBECONFIG',
    kubeConfig,
    kubeconfigYaml: kubeConfig.exportConfig(),
    namespace,
    cleanup: async () => {
      await core.deleteNamespace({ name: namespace });
    },
  };
}

function loadTestKubeConfig(kubeconfigPath: string): KubeConfig {
  if (!fs.existsSync(kubeconfigPath)) {
    throw new Error(
      `TEST_KUBECONFIG: kubeconfig ${kubeconfigPath} does not exist`,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  if (!kubeConfig.getCurrentCluster()) {
    throw new Error(
      `TEST_KUBECONFIG: kubeconfig ${kubeconfigPath} has no current cluster`,
    );
  }
  return kubeConfig;
}
