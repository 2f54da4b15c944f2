/*
 * The extension point of the gitops plugin through which provider modules register, as the
 * catalog's GitHub module registers through catalogProcessingExtensionPoint.
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { GitProviderFactory } from './gitProviderFactory';

export interface GitopsProvidersExtensionPoint {
  /** one factory per provider type; a second one for the same type is a wiring mistake */
  addProviderFactory(factory: GitProviderFactory<any>): void;
}

export const gitopsProvidersExtensionPoint =
  createExtensionPoint<GitopsProvidersExtensionPoint>({
    id: 'gitops.providers',
  });
