/*
 * client-node's CustomObjectsApi with a time limit on every request, so a hanging apiserver
 * answers the portal with a timeout instead of holding a request open (as gitops-node's
 * ObjectApi does for the reconciler). Watches are long-lived and go through Watch instead.
 */
import {
  createConfiguration,
  CustomObjectsApi,
  KubeConfig,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
} from '@kubernetes/client-node';

export function createCustomObjectsApi(
  kc: KubeConfig,
  requestTimeoutMs: number,
): CustomObjectsApi {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return new CustomObjectsApi(
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
