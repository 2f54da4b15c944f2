/*
 * Where the cluster tests run: the in-repo test API server (default), or the real cluster of
 * the kubeconfig in $TEST_KUBECONFIG (as gitops-node's Kubernetes target tests). On a real
 * cluster the tests work in a namespace of their own, created here and deleted on cleanup; the
 * Butler Workspace CRD must be installed there.
 */
import crypto from 'crypto';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { loadKubeConfig } from '@butler-portal/plugin-gitops-node';

export const WORKSPACE_CRD = 'workspaces.butler.butlerlabs.dev';

export interface ClusterTestEnvironment {
  cluster: 'kube-test-apiserver' | 'TEST_KUBECONFIG';
  kubeConfig: KubeConfig;
  /** the kubeconfig as YAML, for a file the plugin's configuration points at */
  kubeconfigYaml: string;
  /** a namespace that exists, empty at the start */
  namespace: string;
  server?: KubeTestApiServerHandle;
  cleanup(): Promise<void>;
}

/** The test server with the Workspace CRD (or without it, `crds: []`). */
export function startTestServer(options: { crds?: string[] } = {}) {
  return startKubeTestApiServer({
    crds: loadButlerCrds(options.crds ?? [WORKSPACE_CRD]),
    namespaces: ['default', 'team-a'],
  });
}

export async function startClusterTestEnvironment(): Promise<ClusterTestEnvironment> {
  const kubeconfigPath = process.env.TEST_KUBECONFIG;
  if (!kubeconfigPath) {
    const server = await startTestServer();
    return {
      cluster: 'kube-test-apiserver',
      kubeConfig: server.kubeconfig,
      kubeconfigYaml: server.kubeconfigYaml,
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
    kubeconfigYaml: kubeConfig.exportConfig(),
    namespace,
    cleanup: async () => {
      await core.deleteNamespace({ name: namespace });
    },
  };
}

/** Plain client-node calls on Workspaces, as another actor (kubectl, a controller) makes them. */
export function workspaceClient(kubeConfig: KubeConfig) {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const at = (namespace: string) => ({
    group: 'butler.butlerlabs.dev',
    version: 'v1alpha1',
    namespace,
    plural: 'workspaces',
  });
  return {
    create: (
      namespace: string,
      name: string,
      image = 'ghcr.io/butlerlabs/workspace:1.0',
    ) =>
      api.createNamespacedCustomObject({
        ...at(namespace),
        body: workspaceObject(namespace, name, { image }),
      }) as Promise<any>,
    get: (namespace: string, name: string) =>
      api.getNamespacedCustomObject({ ...at(namespace), name }) as Promise<any>,
    mergePatch: (namespace: string, name: string, body: object) =>
      api.patchNamespacedCustomObject(
        { ...at(namespace), name, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ) as Promise<any>,
    setStatus: (namespace: string, name: string, status: object) =>
      api.patchNamespacedCustomObjectStatus(
        { ...at(namespace), name, body: { status } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ) as Promise<any>,
    delete: (namespace: string, name: string) =>
      api.deleteNamespacedCustomObject({ ...at(namespace), name }),
  };
}

export function workspaceObject(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace },
    spec: {
      clusterRef: { name: 'tenant-1' },
      owner: 'jane@example.com',
      image: 'ghcr.io/butlerlabs/workspace:1.0',
      ...spec,
    },
  };
}

/** Polls until `check` returns a value; a generous bound, not a timing assertion. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}
