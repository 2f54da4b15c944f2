/*
 * The default GitProvidersService: reads `gitops.repositories` once, and creates each
 * repository's provider with the factory registered for its type.
 */
import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import type { ChangeRepository } from '../changes/types';
import type { OwnerDirectory } from '../provider/approvalRules';
import type { GitEvent } from '../provider/types';
import type { GitProviderFactory } from './gitProviderFactory';
import type { GitProvidersService } from './gitProvidersService';
import { readGitopsConfig } from './readGitopsConfig';

/** How long readers in other plugins wait for the gitops backend to create the providers. */
const READY_TIMEOUT_MS = 120_000;

export class GitProvidersRegistry implements GitProvidersService {
  private readonly listeners = new Set<(event: GitEvent) => void>();
  private readonly repositories = new Map<string, ChangeRepository>();
  private readonly factories = new Map<string, GitProviderFactory<any>>();
  private readonly typeOf = new Map<string, string>();
  private ownerDirectory: OwnerDirectory | undefined;
  private initialized = false;
  private readonly readyPromise: Promise<void>;
  private settle!: (error?: Error) => void;

  constructor(
    private readonly options: { config: RootConfigService; logger: LoggerService },
  ) {
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.settle = error => (error ? reject(error) : resolve());
    });
    // a rejection nobody awaits yet must not crash the process
    this.readyPromise.catch(() => {});
  }

  async initialize(factories: GitProviderFactory<any>[]): Promise<void> {
    if (this.initialized) throw new Error('the Git providers are already initialized');
    this.initialized = true;
    try {
      for (const factory of factories) {
        if (this.factories.has(factory.type)) {
          throw new Error(`two modules register a Git provider for '${factory.type}'`);
        }
        this.factories.set(factory.type, factory);
      }
      const { config, logger } = this.options;
      const integrations = ScmIntegrations.fromConfig(config);
      for (const repository of readGitopsConfig(config).repositories) {
        const factory = this.factories.get(repository.provider);
        if (!factory) {
          throw new Error(
            `gitops repository '${repository.id}' uses provider '${repository.provider}', but no module provides it; add @butler-portal/plugin-gitops-backend-module-${repository.provider} to the backend`,
          );
        }
        const provider = await factory.create(repository, {
          integrations,
          logger: logger.child({ repository: repository.id }),
          onEvent: event => this.emit(event),
          ownerDirectory: () => this.ownerDirectory,
        });
        this.typeOf.set(repository.id, repository.provider);
        this.repositories.set(repository.id, {
          id: repository.id,
          kinds: repository.kinds,
          provider,
        });
      }
      this.settle();
    } catch (error) {
      this.settle(error as Error);
      throw error;
    }
  }

  async ready(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `the Git providers were not created within ${READY_TIMEOUT_MS / 1000} s: is @butler-portal/plugin-gitops-backend part of the backend?`,
            ),
          ),
        READY_TIMEOUT_MS,
      );
      timer.unref?.();
    });
    try {
      await Promise.race([this.readyPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  list(): ChangeRepository[] {
    this.assertInitialized();
    return [...this.repositories.values()];
  }

  get(id: string): ChangeRepository | undefined {
    this.assertInitialized();
    return this.repositories.get(id);
  }

  factoryOf(id: string): GitProviderFactory<any> | undefined {
    const type = this.typeOf.get(id);
    return type ? this.factories.get(type) : undefined;
  }

  onEvent(listener: (event: GitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  useOwnerDirectory(directory: OwnerDirectory): void {
    this.ownerDirectory = directory;
  }

  private emit(event: GitEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.warn(`A listener of GitOps provider events failed: ${error}`);
      }
    }
  }

  private assertInitialized() {
    if (!this.initialized) {
      throw new Error('the Git providers are not created yet: await gitProviders.ready() first');
    }
  }
}

/** Creates and initializes a registry in one step (tests, the CLI, scripts). */
export async function createGitProviders(options: {
  config: RootConfigService;
  logger: LoggerService;
  factories: GitProviderFactory<any>[];
}): Promise<GitProvidersService> {
  const registry = new GitProvidersRegistry(options);
  await registry.initialize(options.factories);
  return registry;
}
