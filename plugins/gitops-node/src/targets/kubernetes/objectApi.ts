/*
 * @kubernetes/client-node's KubernetesObjectApi (generic object calls, URLs found through
 * discovery) with what the target needs on top: a time limit on every request, so a hanging
 * apiserver cannot stall a sync, and discovery that answers "not served" instead of throwing.
 */
import {
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
  V1APIResource,
} from '@kubernetes/client-node';
import { describeKubernetesError } from './kubernetesErrors';

export class ObjectApi extends KubernetesObjectApi {
  static create(kc: KubeConfig, requestTimeoutMs: number): ObjectApi {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(requestTimeoutMs));
            return context;
          },
          post: async (context: ResponseContext) => context,
        },
      ],
    });
    const api = new ObjectApi(configuration);
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
