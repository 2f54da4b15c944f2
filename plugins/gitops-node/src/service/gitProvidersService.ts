/*
 * The configured GitOps repositories, each with its Git provider, as a root service: one set of
 * providers per backend process, shared by every plugin and module that reads the repositories
 * (the catalog module, the gitops backend, the reconciler). The local provider in particular
 * then exists once per repository and process, so its merge events reach every listener.
 *
 * The providers come from the factories that provider modules register through the gitops
 * plugin's extension point; the gitops backend plugin hands them over with initialize() when it
 * starts, and readers in other plugins wait for that with ready().
 */
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { ChangeRepository } from '../changes/types';
import type { OwnerDirectory } from '../provider/approvalRules';
import type { GitEvent } from '../provider/types';
import type { GitProviderFactory } from './gitProviderFactory';
import { GitProvidersRegistry } from './GitProvidersRegistry';

export interface GitProvidersService {
  /**
   * Creates the providers of every configured repository with the registered factories.
   * Called once, by the gitops backend plugin.
   */
  initialize(factories: GitProviderFactory<any>[]): Promise<void>;
  /** resolves once initialize() has created the providers; rejects with its error */
  ready(): Promise<void>;
  /** every configured repository (`gitops.repositories`), in config order; after ready() */
  list(): ChangeRepository[];
  /** one repository by id; after ready() */
  get(id: string): ChangeRepository | undefined;
  /** the factory that created a repository's provider (webhook parsing, type-specific routes) */
  factoryOf(id: string): GitProviderFactory<any> | undefined;
  /**
   * Listens to the events the providers raise themselves: the local provider's change-request
   * activity, merges and pushes over smart HTTP. Events of GitHub and GitLab arrive as webhooks
   * instead. Returns a function that stops listening.
   */
  onEvent(listener: (event: GitEvent) => void): () => void;
  /**
   * Who is in which group, for the CODEOWNERS rules of local repositories. The catalog is a
   * plugin service, so the gitops backend plugin hands it over when it starts; until then
   * nobody is a member of any group (changes with code owners cannot be approved yet).
   */
  useOwnerDirectory(directory: OwnerDirectory): void;
}

export type { OwnerDirectory };

export const gitProvidersServiceRef = createServiceRef<GitProvidersService>({
  id: 'butler-portal.gitops.providers',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
      },
      factory: ({ config, logger }) => new GitProvidersRegistry({ config, logger }),
    }),
});
