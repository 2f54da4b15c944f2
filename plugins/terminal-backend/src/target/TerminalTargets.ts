/*
 * Where a terminal goes, read from the management cluster when a session is asked for (a
 * session is rare; no cache needed). Two kinds of target:
 *
 * A workspace <ns>/<name>:
 *   Workspace <ns>/<name>: spec.owner, spec.clusterRef.name, status.podName
 *   owning team: the Team whose status.namespace is <ns>
 *   the pod: status.podName in the tenant cluster's `workspaces` namespace (the Workspace CRD:
 *     "The workspace pod is created in the tenant cluster's "workspaces" namespace").
 * A pod of a tenant cluster <ns>/<name>:
 *   TenantCluster <ns>/<name>: its team is spec.teamRef.name, else the Team whose
 *     status.namespace is <ns> (butler-node's teamOfCluster, as the inventory)
 *   the pod <podNamespace>/<pod>, its container as asked, else the pod's
 *     kubectl.kubernetes.io/default-container annotation, else its first container.
 * Either way the tenant cluster's kubeconfig is read by butler-node's TenantKubeconfigReader (the
 * one the kubeconfig download uses): the Secret status.kubeconfigSecretRef.name, in
 * status.tenantNamespace (else <ns>), key `value` (Cluster API's convention) or `kubeconfig`.
 * Every failure names the object and field that is missing.
 * The pods of a tenant cluster are listed for the terminal's picker (clusterPods): across its
 * namespaces, at most `limit`, each with the container a terminal opens by default.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { BUTLER_GROUP, BUTLER_VERSION } from '@butler-portal/kube-node';
import {
  TenantKubeconfigReader,
  teamOfCluster,
  type ButlerObject,
} from '@butler-portal/plugin-butler-node';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type {
  ButlerClusterResource,
  ButlerWorkspaceResource,
} from '@butler-portal/plugin-butler-common';

export const WORKSPACE_POD_NAMESPACE = 'workspaces';
const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** A process to start: the pod, its container, and the tenant cluster it runs in. */
export interface ExecTarget {
  podNamespace: string;
  podName: string;
  container: string;
  kubeConfig: KubeConfig;
}

type K8sObject = Record<string, any>;

/** A pod as the terminal's picker shows it. */
export interface TerminalPod {
  namespace: string;
  name: string;
  phase: string;
  containers: string[];
  defaultContainer?: string;
}

/** How long listing a tenant cluster's pods may take before it counts as unreachable. */
const POD_LIST_TIMEOUT_MS = 10_000;

/** The container a terminal opens without one asked: the annotated default, else the first. */
function defaultContainerOf(pod: K8sObject, containers: string[]) {
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  return typeof annotated === 'string' && containers.includes(annotated)
    ? annotated
    : containers[0];
}

const containersOf = (pod: K8sObject): string[] =>
  (pod.spec?.containers ?? []).map((c: K8sObject) => String(c.name));

const statusOf = (e: unknown): number | undefined =>
  (e as { code?: number }).code ??
  (e as { response?: { statusCode?: number } }).response?.statusCode;

export class TerminalTargets {
  readonly #custom: CustomObjectsApi;
  readonly #kubeconfigs: TenantKubeconfigReader;

  constructor(managementCluster: KubeConfig) {
    this.#custom = managementCluster.makeApiClient(CustomObjectsApi);
    this.#kubeconfigs = new TenantKubeconfigReader(managementCluster);
  }

  async #get(plural: string, namespace: string | undefined, name: string) {
    try {
      const at = { group: BUTLER_GROUP, version: BUTLER_VERSION, plural, name };
      return (await (namespace
        ? this.#custom.getNamespacedCustomObject({ ...at, namespace })
        : this.#custom.getClusterCustomObject(at))) as K8sObject;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw new ServiceUnavailableError(
        `management cluster: reading ${plural} ${
          namespace ? `${namespace}/` : ''
        }${name} failed: ${(e as Error).message}`,
      );
    }
  }

  /** The Team whose status.namespace is each namespace (a lookup over one list of Teams). */
  async #teamsByNamespace(): Promise<
    (namespace: string) => string | undefined
  > {
    try {
      const teams = (await this.#custom.listClusterCustomObject({
        group: BUTLER_GROUP,
        version: BUTLER_VERSION,
        plural: 'teams',
      })) as { items?: K8sObject[] };
      return namespace =>
        teams.items?.find(t => t.status?.namespace === namespace)?.metadata
          ?.name;
    } catch (e) {
      throw new ServiceUnavailableError(
        `management cluster: listing teams failed: ${(e as Error).message}`,
      );
    }
  }

  /** The workspace as the permission rules see it; undefined when it is not on the cluster. */
  async workspace(
    namespace: string,
    name: string,
  ): Promise<
    { resource: ButlerWorkspaceResource; object: K8sObject } | undefined
  > {
    const object = await this.#get('workspaces', namespace, name);
    if (!object) return undefined;
    const team = (await this.#teamsByNamespace())(namespace);
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

  /** The tenant cluster as the permission rules see it; undefined when it is not there. */
  async cluster(
    namespace: string,
    name: string,
  ): Promise<
    { resource: ButlerClusterResource; object: K8sObject } | undefined
  > {
    const object = await this.#get('tenantclusters', namespace, name);
    if (!object) return undefined;
    const team = teamOfCluster(
      object as ButlerObject,
      await this.#teamsByNamespace(),
    );
    return {
      object,
      resource: { namespace, name, ...(team && { team }) },
    };
  }

  /** The workspace's pod and its tenant cluster's kubeconfig, for a workspace already read. */
  async workspaceTarget(
    resource: ButlerWorkspaceResource,
    object: K8sObject,
    container: string,
  ): Promise<ExecTarget> {
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
    return {
      podNamespace: WORKSPACE_POD_NAMESPACE,
      podName,
      container,
      kubeConfig: await this.#tenantKubeConfig(cluster),
    };
  }

  /** A pod of a tenant cluster already read; its container defaulted as kubectl does. */
  async clusterTarget(
    object: K8sObject,
    pod: { namespace: string; name: string; container?: string },
  ): Promise<ExecTarget> {
    const kubeConfig = await this.#tenantKubeConfig(object);
    const clusterRef = `TenantCluster ${object.metadata?.namespace}/${object.metadata?.name}`;
    const podRef = `pod ${pod.namespace}/${pod.name} in ${clusterRef}`;
    let spec: K8sObject;
    try {
      spec = (await kubeConfig.makeApiClient(CoreV1Api).readNamespacedPod({
        namespace: pod.namespace,
        name: pod.name,
      })) as K8sObject;
    } catch (e) {
      if (statusOf(e) === 404) throw new NotFoundError(`${podRef} not found`);
      throw new ServiceUnavailableError(
        `${podRef} cannot be read: ${(e as Error).message}`,
      );
    }
    const containers = containersOf(spec);
    if (pod.container) {
      if (!containers.includes(pod.container)) {
        throw new NotFoundError(
          `${podRef} has no container ${JSON.stringify(
            pod.container,
          )} (it has ${containers.join(', ') || 'none'})`,
        );
      }
      return { ...this.#pod(pod), container: pod.container, kubeConfig };
    }
    const container = defaultContainerOf(spec, containers);
    if (!container) throw new NotFoundError(`${podRef} has no container`);
    return { ...this.#pod(pod), container, kubeConfig };
  }

  /**
   * The pods of a tenant cluster already read, in all its namespaces, at most `limit` (the
   * apiserver pages: `truncated` when there are more). An unreachable cluster is a 503 naming it.
   */
  async clusterPods(
    object: K8sObject,
    limit: number,
  ): Promise<{ pods: TerminalPod[]; truncated: boolean }> {
    const kubeConfig = await this.#tenantKubeConfig(object);
    const clusterRef = `TenantCluster ${object.metadata?.namespace}/${object.metadata?.name}`;
    const unreachable = (why: string) =>
      new ServiceUnavailableError(
        `${clusterRef} cannot be reached: listing its pods failed: ${why}`,
      );
    let timer: NodeJS.Timeout | undefined;
    let list: K8sObject;
    try {
      list = (await Promise.race([
        kubeConfig.makeApiClient(CoreV1Api).listPodForAllNamespaces({ limit }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`no answer within ${POD_LIST_TIMEOUT_MS / 1000} s`),
              ),
            POD_LIST_TIMEOUT_MS,
          );
        }),
      ])) as K8sObject;
    } catch (e) {
      throw unreachable((e as Error).message);
    } finally {
      clearTimeout(timer);
    }
    const pods = ((list.items ?? []) as K8sObject[]).map(pod => {
      const containers = containersOf(pod);
      const defaultContainer = defaultContainerOf(pod, containers);
      return {
        namespace: String(pod.metadata?.namespace ?? ''),
        name: String(pod.metadata?.name ?? ''),
        phase:
          typeof pod.status?.phase === 'string' && pod.status.phase
            ? pod.status.phase
            : 'Unknown',
        containers,
        ...(defaultContainer && { defaultContainer }),
      };
    });
    pods.sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
    return {
      pods,
      truncated: Boolean(list.metadata?._continue ?? list.metadata?.continue),
    };
  }

  #pod(pod: { namespace: string; name: string }) {
    return { podNamespace: pod.namespace, podName: pod.name };
  }

  /** The tenant cluster's kubeconfig, from the Secret its status names. */
  async #tenantKubeConfig(cluster: K8sObject): Promise<KubeConfig> {
    const { content } = await this.#kubeconfigs.read(cluster as ButlerObject);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(content); // parsed by the reader already
    return kubeConfig;
  }
}
