/*
 * @kubernetes/client-node's KubernetesObjectApi (generic object calls, URLs found through
 * discovery) with what the target needs on top: a time limit on every request
 * (makeTimeLimitedApiClient), and discovery that answers "not served" instead of throwing.
 */
import {
  KubeConfig,
  KubernetesObjectApi,
  V1APIResource,
} from '@kubernetes/client-node';
import { describeKubernetesError } from './kubernetesErrors';
import { makeTimeLimitedApiClient } from './timeLimitedApiClient';

export class ObjectApi extends KubernetesObjectApi {
  static create(kc: KubeConfig, requestTimeoutMs: number): ObjectApi {
    const api = makeTimeLimitedApiClient(kc, ObjectApi, requestTimeoutMs);
    api.setDefaultNamespace(kc);
    return api;
  }

  /**
   * The served resource of apiVersion + kind (plural, scope), or undefined when the cluster does
   * not serve it (group/version unknown, or kind not in it).
   */
  async servedResource(
    apiVersion: string,
    kind: string,
  ): Promise<V1APIResource | undefined> {
    try {
      return await this.resource(apiVersion, kind);
    } catch (error) {
      if (describeKubernetesError(error).code === 404) return undefined;
      throw error;
    }
  }

  /** Forgets discovery of a group/version, e.g. after its CRD was removed. */
  forgetDiscovery(apiVersion: string): void {
    delete this.apiVersionResourceCache[apiVersion];
  }
}
