/*
 * Configuration of the butler backend plugin (read once by src/config/readButlerConfig.ts).
 */
export interface Config {
  butler?: {
    /**
     * The Butler management cluster, for live workspace status and start/stop. Without it the
     * plugin answers 503 with a reason (the embedded default has no cluster).
     * @visibility backend
     */
    managementCluster?: {
      /**
       * A kubeconfig file; relative paths resolve against the backend's working directory.
       * Default the usual kubeconfig lookup ($KUBECONFIG, ~/.kube/config).
       * @visibility backend
       */
      kubeconfigPath?: string;
      /**
       * A context of the kubeconfig. Default its current context.
       * @visibility backend
       */
      context?: string;
      /**
       * Use the service account of the pod the portal runs in.
       * @visibility backend
       */
      inCluster?: boolean;
    };
  };
}
