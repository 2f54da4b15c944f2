export {
  renderPipeline,
  renderedComponentId,
  renderedFileName,
  RENDERED_ID_SEPARATOR,
  type RenderPipelineOptions,
  type RenderedPipeline,
} from './renderPipeline';
export {
  renderPipelineFile,
  type PipelineFileRendering,
} from './renderPipelineFile';
