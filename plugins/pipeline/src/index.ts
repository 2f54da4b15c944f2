/*
 * Herald: the Pipelines pages, the visual builder (@xyflow/react) and the YAML editor (CodeMirror) that open change requests
 */
export {};
