export {
  vectorCatalog,
  VECTOR_VERSION,
  EVENT_TYPES,
  findComponentType,
  componentTypesOf,
  componentOptionsSchema,
  CODEC_EVENT_TYPES,
} from './catalog';
export type {
  ComponentKind,
  ComponentTypeInfo,
  EventType,
  NamedOutputInfo,
  RequiredOptionInfo,
  VectorCatalogData,
} from './types';
