export { butlerRuntimeApiRef } from './ButlerRuntimeApi';
export type { ButlerRuntimeApi, RuntimeAvailability } from './ButlerRuntimeApi';
export {
  ButlerRuntimeClient,
  RUNTIME_UNAVAILABLE,
} from './ButlerRuntimeClient';
