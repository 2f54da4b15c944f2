/*
 * The cluster of the conformance suites: this package's test API server by default, the real
 * cluster of $TEST_KUBECONFIG otherwise (with the Butler Workspace CRD installed there). The
 * suites talk to it only through @kubernetes/client-node's public API, so the same assertions
 * hold against both — that is what makes the test server's answers trustworthy.
 */
import {
  CustomObjectsApi,
  KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  ClusterTestEnvironment,
  ClusterTestEnvironmentOptions,
  startClusterTestEnvironment,
} from '../clusterTestEnvironment';

export const WORKSPACE_CRD = 'workspaces.butler.butlerlabs.dev';
export const WORKSPACE_API_VERSION = 'butler.butlerlabs.dev/v1alpha1';
export const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** Managed fields times: RFC 3339, whole seconds, UTC. */
export const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

export interface WorkspaceSpec {
  image: string;
  owner?: string;
  storageSize?: string;
}

export interface ConformanceCluster {
  env: ClusterTestEnvironment;
  /** a Workspace as the reconciler applies it (managed-by label, clusterRef, the given spec) */
  workspace(name: string, spec: WorkspaceSpec): KubernetesObject;
  /** server-side apply (application/apply-patch+yaml) */
  apply(
    object: KubernetesObject,
    fieldManager: string,
    force?: boolean,
  ): Promise<any>;
  get(name: string): Promise<any>;
  /** PATCH with a merge patch, JSON patch or strategic merge patch, as `fieldManager` */
  patch(
    name: string,
    body: unknown,
    type: PatchStrategy,
    fieldManager?: string,
    userAgent?: string,
  ): Promise<any>;
  /** merge patch of the status subresource */
  patchStatus(name: string, status: object, fieldManager: string): Promise<any>;
  /** server-side apply of the status subresource */
  applyStatus(
    name: string,
    status: object,
    fieldManager: string,
    force?: boolean,
  ): Promise<any>;
  /** PUT of the whole object (as read, then changed), as `fieldManager` or the User-Agent's */
  replace(object: any, fieldManager?: string, userAgent?: string): Promise<any>;
  cleanup(): Promise<void>;
}

export async function startConformanceCluster(
  server?: ClusterTestEnvironmentOptions['server'],
): Promise<ConformanceCluster> {
  const env = await startClusterTestEnvironment({
    crds: [WORKSPACE_CRD],
    server,
  });
  const custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
  const at = {
    group: 'butler.butlerlabs.dev',
    version: 'v1alpha1',
    plural: 'workspaces',
    namespace: env.namespace,
  };
  /** request options: the patch content type, and a User-Agent when asked for */
  const options = (contentType?: string, userAgent?: string) => {
    let opt = contentType
      ? setHeaderOptions('Content-Type', contentType)
      : undefined;
    if (userAgent) opt = setHeaderOptions('User-Agent', userAgent, opt);
    return opt;
  };
  return {
    env,
    workspace: (name, spec) =>
      ({
        apiVersion: WORKSPACE_API_VERSION,
        kind: 'Workspace',
        metadata: {
          name,
          namespace: env.namespace,
          labels: { [MANAGED_BY]: 'butler-portal' },
        },
        spec: { clusterRef: { name: 'tenant-1' }, ...spec },
      } as KubernetesObject),
    // CustomObjectsApi hands back the JSON as sent (KubernetesObjectApi would turn times into Dates)
    apply: (object, fieldManager, force) =>
      custom.patchNamespacedCustomObject(
        {
          ...at,
          name: object.metadata!.name!,
          body: object,
          fieldManager,
          force,
        },
        options(PatchStrategy.ServerSideApply),
      ) as Promise<any>,
    get: name =>
      custom.getNamespacedCustomObject({ ...at, name }) as Promise<any>,
    patch: (name, body, type, fieldManager, userAgent) =>
      custom.patchNamespacedCustomObject(
        { ...at, name, body, fieldManager },
        options(type, userAgent),
      ) as Promise<any>,
    patchStatus: (name, status, fieldManager) =>
      custom.patchNamespacedCustomObjectStatus(
        { ...at, name, body: { status }, fieldManager },
        options(PatchStrategy.MergePatch),
      ) as Promise<any>,
    applyStatus: (name, status, fieldManager, force) =>
      custom.patchNamespacedCustomObjectStatus(
        {
          ...at,
          name,
          body: {
            apiVersion: WORKSPACE_API_VERSION,
            kind: 'Workspace',
            metadata: { name, namespace: env.namespace },
            status,
          },
          fieldManager,
          force,
        },
        options(PatchStrategy.ServerSideApply),
      ) as Promise<any>,
    replace: (object, fieldManager, userAgent) =>
      custom.replaceNamespacedCustomObject(
        { ...at, name: object.metadata.name, body: object, fieldManager },
        options(undefined, userAgent),
      ) as Promise<any>,
    cleanup: () => env.cleanup(),
  };
}

/** The managedFields entry of a manager (and operation), if any. */
export function managedEntry(
  object: any,
  manager: string,
  operation?: 'Apply' | 'Update',
): any {
  return (object.metadata.managedFields ?? []).find(
    (m: any) =>
      m.manager === manager && (!operation || m.operation === operation),
  );
}

/** Managers that own something, as `<manager>/<operation>[/<subresource>]`, sorted. */
export function owners(object: any): string[] {
  return (object.metadata.managedFields ?? [])
    .map((m: any) =>
      [m.manager, m.operation, m.subresource].filter(Boolean).join('/'),
    )
    .sort();
}
