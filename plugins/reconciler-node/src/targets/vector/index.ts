export { VectorDirectoryTarget } from './VectorDirectoryTarget';
export type { VectorDirectoryTargetOptions } from './VectorDirectoryTarget';
export {
  VectorConfigMapTarget,
  APPLIED_AT_ANNOTATION,
  COMMIT_ANNOTATION,
  CONTENT_HASH_ANNOTATION,
} from './VectorConfigMapTarget';
export type { VectorConfigMapTargetOptions } from './VectorConfigMapTarget';
export { vectorRenderStep, VECTOR_KINDS } from './vectorRenderStep';
export type { VectorRenderStepOptions } from './vectorRenderStep';
export { VectorApiClient, VECTOR_COMPONENTS_QUERY } from './vectorApi';
export type { VectorApiClientOptions, VectorApiState } from './vectorApi';
export { NO_VECTOR_API } from './vectorHealth';
export {
  VECTOR_FILE_MARKER,
  deliveredComponents,
  deliveredContent,
  isDelivered,
  refOfFileName,
} from './vectorObject';
export type { DeliveredComponent, VectorPipelineObject } from './vectorObject';
