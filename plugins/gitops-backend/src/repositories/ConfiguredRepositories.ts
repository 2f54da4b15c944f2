/*
 * The configured repositories as the REST API needs them: each provider (from the shared
 * GitProvidersService, so a local repository has one provider per process) with its config
 * (webhook secret, local folder) and where people find it (web and clone URLs).
 */
import type { ScmIntegrationRegistry } from '@backstage/integration';
import type {
  ChangeRepository,
  GitopsConfig,
  GitopsRepositoryConfig,
  GitProvidersService,
} from '@butler-portal/plugin-gitops-node';

export interface ConfiguredRepository extends ChangeRepository {
  config: GitopsRepositoryConfig;
  /** the repository at its host; undefined for local repositories (the portal is their UI) */
  webUrl?: string;
  /** clone URL at the host; local repositories are cloned from the plugin's /git route */
  cloneUrl?: string;
}

export class ConfiguredRepositories {
  constructor(
    private readonly providers: GitProvidersService,
    private readonly config: GitopsConfig,
    private readonly integrations: ScmIntegrationRegistry,
  ) {}

  list(): ConfiguredRepository[] {
    return this.providers.list().map(repository => this.describe(repository));
  }

  get(id: string): ConfiguredRepository | undefined {
    const repository = this.providers.get(id);
    return repository && this.describe(repository);
  }

  /** whether a repository is local (served by the local provider module's /git route) */
  isLocal(id: string): boolean {
    return this.get(id)?.config.provider === 'local';
  }

  private describe(repository: ChangeRepository): ConfiguredRepository {
    const config = this.config.repositories.find(r => r.id === repository.id);
    if (!config) {
      throw new Error(
        `repository '${repository.id}' has a provider but no gitops.repositories entry`,
      );
    }
    let webUrl: string | undefined;
    if (config.provider === 'github') {
      webUrl = `https://${config.host}/${config.owner}/${config.repo}`;
    } else if (config.provider === 'gitlab') {
      const base =
        this.integrations.gitlab.byHost(config.host)?.config.baseUrl ??
        `https://${config.host}`;
      webUrl = `${base.replace(/\/+$/, '')}/${config.project}`;
    }
    return {
      ...repository,
      config,
      ...(webUrl && { webUrl, cloneUrl: `${webUrl}.git` }),
    };
  }
}
