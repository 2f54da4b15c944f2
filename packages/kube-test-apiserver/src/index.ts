/**
 * A Kubernetes API server for tests: discovery, namespaces, ConfigMaps, CRDs and custom
 * resources, server-side apply with managedFields, watch, label selectors, schema validation
 * and pruning, and fault injection. See README.md for what it honours and what it does not.
 *
 * @packageDocumentation
 */
export { startKubeTestApiServer } from './startKubeTestApiServer';
export type {
  KubeTestApiServerHandle,
  StartKubeTestApiServerOptions,
} from './startKubeTestApiServer';
export {
  butlerCrdsDir,
  loadButlerCrds,
  readCrdFile,
  readCrds,
} from './butlerCrds';
export { kubeConfigFor, kubeconfigYamlFor } from './kubeconfig';
export { startClusterTestEnvironment } from './clusterTestEnvironment';
export type {
  ClusterTestEnvironment,
  ClusterTestEnvironmentOptions,
} from './clusterTestEnvironment';
export type {
  FaultRequest,
  FaultResponse,
  FaultSpec,
  InjectedFault,
} from './server/faults';
export type { RecordedRequest } from './server/KubeTestApiServer';
export type { KubeStatus } from './api/status';
export { EXEC_PROTOCOLS } from './exec/execServer';
export type { ExecProcess } from './exec/execServer';
