/*
 * The portal's Kubernetes client library: building a client from a kubeconfig or the pod's
 * service account, a time limit on every request, retries with backoff for what is worth
 * retrying, readable failures, and the typed Butler resources. Shared by the reconciler's
 * Kubernetes target and butler-backend, so neither pulls in the other.
 */
export { loadKubeConfig } from './loadKubeConfig';
export type { KubeConfigSource } from './loadKubeConfig';
export { makeTimeLimitedApiClient } from './timeLimitedApiClient';
export { ObjectApi } from './objectApi';
export {
  KubernetesCallError,
  retryDecision,
  withKubernetesRetries,
} from './kubernetesRetry';
export type { KubernetesRetryOptions, RetryDecision } from './kubernetesRetry';
export {
  describeKubernetesError,
  isFieldManagerConflict,
  isSchemaRejection,
} from './kubernetesErrors';
export type { KubernetesFailure } from './kubernetesErrors';
export { BUTLER_GROUP, BUTLER_VERSION, BUTLER_RESOURCES, butlerResource } from './butlerResources';
export type { ButlerKind, ButlerResource } from './butlerResources';
