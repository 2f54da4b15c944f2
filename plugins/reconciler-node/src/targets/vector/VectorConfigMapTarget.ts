/*
 * A ConfigMap per Vector deployment, for the Vector Helm chart's `existingConfigMaps` (the chart
 * mounts each listed ConfigMap into Vector's config directory, so every data key is a file
 * Vector loads): data keys are the rendered file names (`<namespace>_<pipeline>.yaml`), values
 * the delivered files. The reconciler sees one object per pipeline; this target folds them into
 * the one ConfigMap and server-side applies all of its keys at once, with force, as field
 * manager `butler-portal` (a key it stops applying is removed by the apiserver). The ConfigMap
 * carries the managed-by label, the sha256 of its data and the commit of the last apply.
 *
 * A ConfigMap of that name without the managed-by label belongs to someone else: nothing is
 * written to it, listed from it or deleted from it.
 */
import crypto from 'crypto';
import { ConflictError, InputError } from '@backstage/errors';
import {
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import {
  describeKubernetesError,
  loadKubeConfig,
  ObjectApi,
  withKubernetesRetries,
  type KubeConfigSource,
  type KubernetesRetryOptions,
} from '@butler-portal/kube-node';
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import { renderedFileName } from '@butler-portal/plugin-pipeline-common';
import { canonicalJson } from '@butler-portal/plugin-gitops-node';
import {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  hasManagedByLabel,
  type ApplyResult,
  type DesiredObject,
  type ManagedObject,
  type ResourceHealth,
  type SyncTarget,
} from '../types';
import { VectorApiClient } from './vectorApi';
import { deliveredPipelineHealth } from './vectorHealth';
import {
  asVectorPipeline,
  deliveredHash,
  isDelivered,
  refOfFileName,
} from './vectorObject';

/** sha256 of the ConfigMap's data (canonical JSON) */
export const CONTENT_HASH_ANNOTATION = 'portal.butlerlabs.dev/content-hash';
/** the commit of the last apply */
export const COMMIT_ANNOTATION = 'portal.butlerlabs.dev/commit';
/** when the last apply happened (ISO time), for health's grace period */
export const APPLIED_AT_ANNOTATION = 'portal.butlerlabs.dev/applied-at';

export interface VectorConfigMapTargetOptions {
  kubeConfig: KubeConfig;
  /** the ConfigMap listed in the Vector Helm chart's `existingConfigMaps` */
  configMap: { name: string; namespace: string };
  /** target id in the reconciler store (default `vector-configmap`) */
  name?: string;
  vectorApiUrl?: string;
  vectorApi?: VectorApiClient;
  /** missing components read Progressing this long after an apply (default 2 min: kubelet sync) */
  healthGraceMs?: number;
  requestTimeoutMs?: number;
  retry?: KubernetesRetryOptions;
  fieldManager?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

interface LiveConfigMap {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
}

export class VectorConfigMapTarget implements SyncTarget {
  readonly name: string;
  readonly configMap: { name: string; namespace: string };
  readonly #api: ObjectApi;
  readonly #vector?: VectorApiClient;
  readonly #graceMs: number;
  readonly #retry: KubernetesRetryOptions;
  readonly #fieldManager: string;

  /** A target on the cluster of a kubeconfig file or context, in-cluster, or the default kubeconfig. */
  static fromConfig(
    options: KubeConfigSource &
      Omit<VectorConfigMapTargetOptions, 'kubeConfig'>,
  ): VectorConfigMapTarget {
    const { kubeconfigPath, context, inCluster, ...rest } = options;
    return new VectorConfigMapTarget({
      ...rest,
      kubeConfig: loadKubeConfig({ kubeconfigPath, context, inCluster }),
    });
  }

  constructor(options: VectorConfigMapTargetOptions) {
    const { name, namespace } = options.configMap ?? {};
    if (
      typeof name !== 'string' ||
      !DNS_SUBDOMAIN.test(name) ||
      name.length > 253
    ) {
      throw new InputError(
        `configMap.name: '${name}' must be a DNS-1123 subdomain`,
      );
    }
    if (
      typeof namespace !== 'string' ||
      !DNS_LABEL.test(namespace) ||
      namespace.length > 63
    ) {
      throw new InputError(
        `configMap.namespace: '${namespace}' must be a DNS-1123 label`,
      );
    }
    this.configMap = { name, namespace };
    this.name = options.name ?? 'vector-configmap';
    this.#api = ObjectApi.create(
      options.kubeConfig,
      options.requestTimeoutMs ?? 30_000,
    );
    this.#vector =
      options.vectorApi ??
      (options.vectorApiUrl
        ? new VectorApiClient({ url: options.vectorApiUrl })
        : undefined);
    this.#graceMs = options.healthGraceMs ?? 120_000;
    this.#retry = options.retry ?? {};
    this.#fieldManager = options.fieldManager ?? FIELD_MANAGER;
  }

  async apply(objects: DesiredObject[]): Promise<ApplyResult[]> {
    if (objects.length === 0) return [];
    try {
      const data = await this.#ownedData();
      for (const { ref, object } of objects) {
        const { fileName, content } = asVectorPipeline(object);
        if (fileName !== renderedFileName(ref.namespace, ref.name)) {
          throw new InputError(
            `${fileName} is not the file of ${ref.namespace}/${ref.name}`,
          );
        }
        data[fileName] = content;
      }
      const revision = objects.find(o => o.revision)?.revision;
      await this.#applyData(data, revision);
      return objects.map(({ ref }) => ({ ref, ok: true as const }));
    } catch (error) {
      const message = errorMessage(error);
      return objects.map(({ ref }) => ({
        ref,
        ok: false as const,
        error: message,
      }));
    }
  }

  async listManaged(): Promise<ManagedObject[]> {
    const live = await this.#read();
    if (!live || !hasManagedByLabel(live)) return [];
    return Object.entries(live.data ?? {})
      .filter(([key, content]) => refOfFileName(key) && isDelivered(content))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, content]) => {
        const ref = refOfFileName(key)!;
        return { ref, hash: deliveredHash(ref, key, content) };
      });
  }

  async delete(ref: ResourceRef): Promise<void> {
    const key = renderedFileName(ref.namespace, ref.name);
    const live = await this.#read();
    if (!live || live.data?.[key] === undefined) return;
    if (!hasManagedByLabel(live)) {
      throw new ConflictError(
        `ConfigMap ${this.#describe()} does not carry the portal's managed-by label; not deleting ${key} from it`,
      );
    }
    const data = await this.#ownedData(live);
    delete data[key];
    await this.#applyData(
      data,
      live.metadata?.annotations?.[COMMIT_ANNOTATION],
    );
  }

  async health(ref: ResourceRef): Promise<ResourceHealth> {
    const live = await this.#read();
    const content = live?.data?.[renderedFileName(ref.namespace, ref.name)];
    if (
      live &&
      content !== undefined &&
      (!hasManagedByLabel(live) || !isDelivered(content))
    ) {
      return {
        status: 'Degraded',
        message: `ConfigMap ${this.#describe()} is no longer the portal's`,
      };
    }
    const appliedAt = Date.parse(
      live?.metadata?.annotations?.[APPLIED_AT_ANNOTATION] ?? '',
    );
    return deliveredPipelineHealth(
      this.#vector,
      content === undefined
        ? undefined
        : {
            content,
            ...(Number.isFinite(appliedAt) && { deliveredAt: appliedAt }),
          },
      this.#graceMs,
    );
  }

  /** the ConfigMap as plain JSON, undefined when absent */
  async #read(): Promise<LiveConfigMap | undefined> {
    const { value } = await withKubernetesRetries(async () => {
      try {
        const object = await this.#api.read({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: this.configMap,
        });
        return JSON.parse(JSON.stringify(object)) as LiveConfigMap;
      } catch (error) {
        if (describeKubernetesError(error).code === 404) return undefined;
        throw error;
      }
    }, this.#retry);
    return value;
  }

  /** the delivered keys of the ConfigMap; refuses a ConfigMap someone else owns */
  async #ownedData(live?: LiveConfigMap): Promise<Record<string, string>> {
    const current = live ?? (await this.#read());
    if (current && !hasManagedByLabel(current)) {
      throw new ConflictError(
        `ConfigMap ${this.#describe()} exists without the portal's managed-by label; not taking it over`,
      );
    }
    const data: Record<string, string> = {};
    for (const [key, content] of Object.entries(current?.data ?? {})) {
      if (refOfFileName(key) && isDelivered(content)) data[key] = content;
    }
    return data;
  }

  async #applyData(
    data: Record<string, string>,
    revision: string | undefined,
  ): Promise<void> {
    const sorted = Object.fromEntries(
      Object.keys(data)
        .sort()
        .map(key => [key, data[key]]),
    );
    const annotations: Record<string, string> = {
      [CONTENT_HASH_ANNOTATION]: crypto
        .createHash('sha256')
        .update(canonicalJson(sorted))
        .digest('hex'),
      [APPLIED_AT_ANNOTATION]: new Date().toISOString(),
      ...(revision && { [COMMIT_ANNOTATION]: revision }),
    };
    const configuration = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        ...this.configMap,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
        annotations,
      },
      data: sorted,
    };
    await withKubernetesRetries(
      () =>
        this.#api.patch(
          configuration as KubernetesObject,
          undefined,
          undefined,
          this.#fieldManager,
          true,
          PatchStrategy.ServerSideApply,
        ),
      this.#retry,
    );
  }

  #describe(): string {
    return `${this.configMap.namespace}/${this.configMap.name}`;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
