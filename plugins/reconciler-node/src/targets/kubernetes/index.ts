export { CrdNotInstalledError, KubernetesTarget } from './KubernetesTarget';
export type {
  ApplyFailureReason,
  ApplyOptions,
  ApplyOutcome,
  CrdStatus,
  CustomKind,
  KubernetesApplyResult,
  KubernetesTargetOptions,
  KubernetesWatch,
  KubernetesWatchEvent,
  ListOptions,
  ObjectRef,
} from './KubernetesTarget';
export {
  DEFAULT_DRIFT_IGNORE,
  DESIRED_STATE_ANNOTATION,
  RUNTIME_ANNOTATIONS,
  diffLiveObject,
  fieldManagers,
  ownedFields,
} from './diffLiveObject';
export type {
  DriftOptions,
  DriftResult,
  DriftedField,
  PathStep,
} from './diffLiveObject';
export {
  liveHealth,
  tenantAddonHealth,
  toResourceHealth,
  workspaceHealth,
} from './liveHealth';
export type { LiveHealth, LiveHealthStatus } from './liveHealth';
