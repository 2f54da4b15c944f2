/**
 * Herald: the Pipelines pages, the visual builder (@xyflow/react) and the YAML editor
 * (CodeMirror) that open change requests for Pipeline resources.
 *
 * @packageDocumentation
 */
export { pipelinePlugin as default } from './plugin';
export {
  createPipelineRouteRef,
  editPipelineRouteRef,
  pipelineRouteRef,
  rootRouteRef,
} from './routes';
