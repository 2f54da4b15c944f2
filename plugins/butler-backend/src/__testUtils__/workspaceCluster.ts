/*
 * Workspaces on a test cluster. The cluster itself comes from kube-test-apiserver:
 * `startClusterTestEnvironment({ crds: [WORKSPACE_CRD] })` runs the suites against the test API
 * server or the cluster of $TEST_KUBECONFIG; `startTestServer` is for the suites that need what
 * only the test server gives (faults, an uninstalled CRD).
 */
import {
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import {
  WORKSPACE_API_VERSION,
  WORKSPACE_CRD,
  WORKSPACE_KIND,
  WORKSPACE_RESOURCE,
} from '../cluster/workspaceResource';

/** The test server with the Workspace CRD (or without it, `crds: []`). */
export function startTestServer(options: { crds?: string[] } = {}) {
  return startKubeTestApiServer({
    crds: loadButlerCrds(options.crds ?? [WORKSPACE_CRD]),
    namespaces: ['default', 'team-a'],
  });
}

/** Plain client-node calls on Workspaces, as another actor (kubectl, a controller) makes them. */
export function workspaceClient(kubeConfig: KubeConfig) {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const at = (namespace: string) => ({ ...WORKSPACE_RESOURCE, namespace });
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
    apiVersion: WORKSPACE_API_VERSION,
    kind: WORKSPACE_KIND,
    metadata: { name, namespace },
    spec: {
      clusterRef: { name: 'tenant-1' },
      owner: 'jane@example.com',
      image: 'ghcr.io/butlerlabs/workspace:1.0',
      ...spec,
    },
  };
}
