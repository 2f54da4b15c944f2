/*
 * Where the Kubernetes target's conformance tests run: the in-repo test API server (default),
 * or the real cluster of the kubeconfig in $TEST_KUBECONFIG. On a real cluster the tests work
 * in a namespace of their own, created here and deleted on cleanup; the Butler CRDs must be
 * installed there.
 */
import crypto from 'crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import { loadKubeConfig } from '../loadKubeConfig';

export interface KubernetesTestEnvironment {
  /** what the tests run against */
  cluster: 'kube-test-apiserver' | 'TEST_KUBECONFIG';
  kubeConfig: KubeConfig;
  /** a namespace that exists, empty at the start */
  namespace: string;
  /** the test server, when the tests run against it */
  server?: KubeTestApiServerHandle;
  cleanup(): Promise<void>;
}

export const APPLIED_CRDS = KINDS.filter(k => k.applied).map(k => k.crdName!);

export async function startKubernetesTestEnvironment(): Promise<KubernetesTestEnvironment> {
  const kubeconfigPath = process.env.TEST_KUBECONFIG;
  if (!kubeconfigPath) {
    const server = await startKubeTestApiServer({
      crds: loadButlerCrds(APPLIED_CRDS),
      namespaces: ['default', 'team-a'],
    });
    return {
      cluster: 'kube-test-apiserver',
      kubeConfig: server.kubeconfig,
      namespace: 'team-a',
      server,
      cleanup: () => server.stop(),
    };
  }
  const kubeConfig = loadKubeConfig({ kubeconfigPath });
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
    namespace,
    cleanup: async () => {
      await core.deleteNamespace({ name: namespace });
    },
  };
}
