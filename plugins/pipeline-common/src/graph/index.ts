export {
  buildPipelineGraph,
  outputsOf,
  UNMATCHED_OUTPUT,
  DROPPED_OUTPUT,
  type PipelineGraph,
} from './buildGraph';
export {
  analyseTypeFlow,
  acceptedTypesOf,
  codecOf,
  type TypeFlow,
} from './typeFlow';
export {
  pipelineEdgeTypes,
  pipelineOutputTypes,
  type TypedEdge,
} from './edgeTypes';
export type {
  ComponentOutput,
  PipelineComponent,
  PipelineEdge,
  PipelineResource,
  PipelineSpec,
} from './types';
