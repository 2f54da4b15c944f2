export {
  parseResourceYaml,
  DEFAULT_MAX_BYTES,
  MAX_NESTING_DEPTH,
  type ParsedYaml,
  type YamlParseOptions,
  type YamlParseResult,
} from './parseResourceYaml';
export type { SourcePosition } from './locate';
export {
  applyObjectToYaml,
  applyChangesToYaml,
  diffValues,
  YamlEditError,
  type YamlFieldChange,
} from './applyObjectToYaml';
export { stringifyResource } from './stringifyResource';
export {
  describePointer,
  parsePointer,
  toPointer,
  type PathSegment,
} from './pointer';
