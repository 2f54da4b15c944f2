/*
 * A tenant cluster's kubeconfig, read from the management cluster: the Secret named by the
 * TenantCluster's status.kubeconfigSecretRef.name (the CRD: "references the Secret containing
 * the kubeconfig"), in status.tenantNamespace (where the controller keeps the cluster's
 * CAPI/Steward resources), else the TenantCluster's own namespace; its `value` key (Cluster
 * API's convention) or `kubeconfig`. Read on demand (a download is rare), never cached: a
 * rotated credential is served at once. Every failure names the object and the field; the
 * content is never part of an error.
 */
import { ServiceUnavailableError } from '@backstage/errors';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { makeTimeLimitedApiClient } from '@butler-portal/kube-node';
import type { ButlerObject } from '../informers/KindInformer';

export interface TenantKubeconfig {
  /** the kubeconfig as stored (YAML) */
  content: string;
  /** `<namespace>/<name>` of the Secret it came from, for audit records */
  secret: string;
}

const statusOf = (e: unknown): number | undefined => {
  const err = e as { code?: number; statusCode?: number };
  return err?.code ?? err?.statusCode;
};

export class TenantKubeconfigReader {
  readonly #core: CoreV1Api;

  constructor(
    managementCluster: KubeConfig,
    options: { requestTimeoutMs?: number } = {},
  ) {
    this.#core = makeTimeLimitedApiClient(
      managementCluster,
      CoreV1Api,
      options.requestTimeoutMs ?? 10_000,
    );
  }

  /** @throws ServiceUnavailableError naming the missing field, Secret or key */
  async read(cluster: ButlerObject): Promise<TenantKubeconfig> {
    const namespace = cluster.metadata.namespace ?? '';
    const clusterRef = `TenantCluster ${namespace}/${cluster.metadata.name}`;
    const secretName = cluster.status?.kubeconfigSecretRef?.name;
    if (typeof secretName !== 'string' || !secretName) {
      throw new ServiceUnavailableError(
        `${clusterRef} has no kubeconfig yet: status.kubeconfigSecretRef is not set (the cluster is still being provisioned?)`,
      );
    }
    const tenantNamespace = cluster.status?.tenantNamespace;
    const secretNamespace =
      typeof tenantNamespace === 'string' && tenantNamespace
        ? tenantNamespace
        : namespace;
    const secret = `${secretNamespace}/${secretName}`;
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
        `${clusterRef}: the kubeconfig Secret ${secret} (status.kubeconfigSecretRef) ${
          statusOf(e) === 404
            ? 'does not exist on the management cluster'
            : `cannot be read: ${(e as Error).message}`
        }`,
      );
    }
    const encoded = data?.value ?? data?.kubeconfig;
    if (!encoded) {
      throw new ServiceUnavailableError(
        `${clusterRef}: the kubeconfig Secret ${secret} has no "value" or "kubeconfig" key`,
      );
    }
    const content = Buffer.from(encoded, 'base64').toString('utf8');
    // parsed only to refuse what is not a kubeconfig; the stored text is what is served
    try {
      new KubeConfig().loadFromString(content);
    } catch (e) {
      throw new ServiceUnavailableError(
        `${clusterRef}: the Secret ${secret} does not hold a kubeconfig (${
          (e as Error).name
        })`,
      );
    }
    return { content, secret };
  }
}
