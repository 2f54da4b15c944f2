/*
 * Where a workspace's terminal goes, read from the management cluster when a session is asked
 * for (a session is rare; no cache needed):
 *   Workspace <ns>/<name>: spec.owner, spec.clusterRef.name, status.podName
 *   owning team: the Team whose status.namespace is <ns>
 *   TenantCluster <ns>/<clusterRef>: status.kubeconfigSecretRef.name, in status.tenantNamespace
 *     (else <ns>); the Secret's `value` key (Cluster API's convention) or `kubeconfig`
 *   the pod: status.podName in the tenant cluster's `workspaces` namespace (the Workspace CRD:
 *     "The workspace pod is created in the tenant cluster's "workspaces" namespace").
 * Every failure names the object and field that is missing.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { BUTLER_GROUP, BUTLER_VERSION } from '@butler-portal/kube-node';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { ButlerWorkspaceResource } from '@butler-portal/plugin-butler-common';

export const WORKSPACE_POD_NAMESPACE = 'workspaces';

export interface WorkspaceTarget {
  resource: ButlerWorkspaceResource;
  podNamespace: string;
  podName: string;
  /** the tenant cluster the pod runs in */
  kubeConfig: KubeConfig;
}

const statusOf = (e: unknown): number | undefined =>
  (e as { code?: number }).code ??
  (e as { response?: { statusCode?: number } }).response?.statusCode;

export class WorkspaceTargets {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;

  constructor(managementCluster: KubeConfig) {
    this.#custom = managementCluster.makeApiClient(CustomObjectsApi);
    this.#core = managementCluster.makeApiClient(CoreV1Api);
  }

  async #get(plural: string, namespace: string | undefined, name: string) {
    try {
      const at = { group: BUTLER_GROUP, version: BUTLER_VERSION, plural, name };
      return (await (namespace
        ? this.#custom.getNamespacedCustomObject({ ...at, namespace })
        : this.#custom.getClusterCustomObject(at))) as Record<string, any>;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw new ServiceUnavailableError(
        `management cluster: reading ${plural} ${
          namespace ? `${namespace}/` : ''
        }${name} failed: ${(e as Error).message}`,
      );
    }
  }

  /** The workspace as the permission rules see it; undefined when it is not on the cluster. */
  async resource(
    namespace: string,
    name: string,
  ): Promise<
    | { resource: ButlerWorkspaceResource; object: Record<string, any> }
    | undefined
  > {
    const object = await this.#get('workspaces', namespace, name);
    if (!object) return undefined;
    let team: string | undefined;
    try {
      const teams = (await this.#custom.listClusterCustomObject({
        group: BUTLER_GROUP,
        version: BUTLER_VERSION,
        plural: 'teams',
      })) as { items?: Array<Record<string, any>> };
      team = teams.items?.find(t => t.status?.namespace === namespace)?.metadata
        ?.name;
    } catch (e) {
      throw new ServiceUnavailableError(
        `management cluster: listing teams failed: ${(e as Error).message}`,
      );
    }
    const owner = object.spec?.owner;
    return {
      object,
      resource: {
        namespace,
        name,
        ...(typeof owner === 'string' && owner && { owner }),
        ...(team && { team }),
      },
    };
  }

  /** The pod and the tenant cluster's kubeconfig, for a workspace already read. */
  async target(
    resource: ButlerWorkspaceResource,
    object: Record<string, any>,
  ): Promise<WorkspaceTarget> {
    const ref = `Workspace ${resource.namespace}/${resource.name}`;
    const podName = object.status?.podName;
    if (typeof podName !== 'string' || !podName) {
      throw new NotFoundError(
        `${ref} has no pod (status.podName): is it running?`,
      );
    }
    const clusterName = object.spec?.clusterRef?.name;
    if (typeof clusterName !== 'string' || !clusterName) {
      throw new NotFoundError(`${ref}: spec.clusterRef.name is missing`);
    }
    const cluster = await this.#get(
      'tenantclusters',
      resource.namespace,
      clusterName,
    );
    const clusterRef = `TenantCluster ${resource.namespace}/${clusterName}`;
    if (!cluster)
      throw new NotFoundError(
        `${clusterRef} (spec.clusterRef of ${ref}) not found`,
      );
    const secretName = cluster.status?.kubeconfigSecretRef?.name;
    if (typeof secretName !== 'string' || !secretName) {
      throw new ServiceUnavailableError(
        `${clusterRef}: status.kubeconfigSecretRef is not set yet`,
      );
    }
    const secretNamespace =
      typeof cluster.status?.tenantNamespace === 'string' &&
      cluster.status.tenantNamespace
        ? cluster.status.tenantNamespace
        : resource.namespace;
    let data: Record<string, string> | undefined;
    try {
      data = (
        await this.#core.readNamespacedSecret({
          namespace: secretNamespace,
          name: secretName,
        })
      ).data;
    } catch (e) {
      throw new ServiceUnavailableError(
        `${clusterRef}: the kubeconfig Secret ${secretNamespace}/${secretName} cannot be read: ${
          statusOf(e) === 404 ? 'not found' : (e as Error).message
        }`,
      );
    }
    const encoded = data?.value ?? data?.kubeconfig;
    if (!encoded) {
      throw new ServiceUnavailableError(
        `${clusterRef}: Secret ${secretNamespace}/${secretName} has no "value" or "kubeconfig" key`,
      );
    }
    const kubeConfig = new KubeConfig();
    try {
      kubeConfig.loadFromString(
        Buffer.from(encoded, 'base64').toString('utf8'),
      );
    } catch (e) {
      throw new ServiceUnavailableError(
        `${clusterRef}: Secret ${secretNamespace}/${secretName} does not hold a kubeconfig: ${
          (e as Error).message
        }`,
      );
    }
    return {
      resource,
      podNamespace: WORKSPACE_POD_NAMESPACE,
      podName,
      kubeConfig,
    };
  }
}
