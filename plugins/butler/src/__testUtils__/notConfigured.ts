/** What the backend says without `butler.managementCluster`. */
export const NOT_CONFIGURED =
  'no management cluster is configured (butler.managementCluster)';
