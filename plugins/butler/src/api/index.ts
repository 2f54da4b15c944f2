export { butlerClustersApiRef } from './ButlerClustersApi';
export type {
  ButlerClustersApi,
  ClustersAvailability,
} from './ButlerClustersApi';
export { ButlerClustersClient, CONFIGURE_HINT } from './ButlerClustersClient';
