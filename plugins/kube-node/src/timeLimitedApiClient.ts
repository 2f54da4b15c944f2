/*
 * A @kubernetes/client-node API client (CustomObjectsApi, KubernetesObjectApi, ...) with a time
 * limit on every request, so a hanging apiserver answers with a timeout instead of stalling a
 * sync or holding a portal request open. Watches are long-lived and go through Watch instead.
 */
import {
  Configuration,
  createConfiguration,
  KubeConfig,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
} from '@kubernetes/client-node';

export function makeTimeLimitedApiClient<T>(
  kc: KubeConfig,
  ApiClient: new (configuration: Configuration) => T,
  requestTimeoutMs: number,
): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return new ApiClient(
    createConfiguration({
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
    }),
  );
}
