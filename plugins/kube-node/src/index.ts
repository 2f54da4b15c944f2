/*
 * Kubernetes client for the portal: client construction (kubeconfig / in-cluster), time limits, retries and the typed Butler resources, shared by the reconciler and butler-backend
 */
export {};
