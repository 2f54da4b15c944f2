/**
 * Butler Portal catalog module: TenantClusters as Resource entities (kubernetes-cluster), Teams
 * as Groups with members, Users as Users, from the live Butler management cluster by watch.
 *
 * @packageDocumentation
 */
export { catalogModuleButler as default } from './module';
export { ButlerEntityProvider } from './provider/ButlerEntityProvider';
export type {
  ButlerEntityProviderOptions,
  MutationStats,
} from './provider/ButlerEntityProvider';
export * from './entity/annotations';
