export { butlerRuntimeApiRef } from './ButlerRuntimeApi';
export type { ButlerRuntimeApi, RuntimeAvailability } from './ButlerRuntimeApi';
export {
  ButlerRuntimeClient,
  NO_MANAGEMENT_CLUSTER,
} from './ButlerRuntimeClient';
