export { registryApiRef, type RegistryApi } from './RegistryApi';
export { RegistryClient } from './RegistryClient';
