export interface Config {
  /** Chambers (developer workspaces) */
  workspaces?: {
    /**
     * TenantCluster a new workspace runs in unless the user picks another (spec.clusterRef.name).
     * @visibility frontend
     */
    defaultCluster?: string;
    ssh?: {
      /**
       * User to log in as over SSH in the workspaces' SSH config and editor links; default `dev`.
       * @visibility frontend
       */
      user?: string;
    };
  };
}
