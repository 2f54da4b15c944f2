/*
 * One GitProvider per configured repository (`gitops.repositories`), created once per process.
 * Local repositories are created from their repo layout on first start (crash-safe, and two
 * processes starting together end up with the same repository); GitHub and GitLab providers take
 * host and credentials from the backend's `integrations`, never from the gitops section.
 */
import type { LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import { ScmIntegrations, type ScmIntegrationRegistry } from '@backstage/integration';
import type { ChangeRepository } from '../changes/types';
import { GithubGitProvider } from '../github';
import { GitlabGitProvider } from '../gitlab';
import { ensureLocalRepository, LocalGitProvider } from '../local';
import type { OwnerDirectory } from '../local/approvalRules';
import type { GitEvent, GitProvider } from '../provider/types';
import type { GitProvidersService } from './gitProvidersService';
import { readGitopsConfig, type GitopsRepositoryConfig } from './readGitopsConfig';

/** The portal's own identity for the first commit of a new local repository. */
const PORTAL_SIGNATURE = { name: 'Butler Portal', email: 'butler-portal@localhost' };

async function createProvider(
  config: GitopsRepositoryConfig,
  integrations: ScmIntegrationRegistry,
  logger: LoggerService,
  onEvent: (event: GitEvent) => void,
  directory: () => OwnerDirectory | undefined,
): Promise<GitProvider> {
  const repositoryLogger = logger.child({ repository: config.id });
  switch (config.provider) {
    case 'local': {
      const { created } = await ensureLocalRepository({
        dir: config.dir,
        templateDir: config.layoutDir,
        defaultBranch: config.defaultBranch,
        initialAuthor: PORTAL_SIGNATURE,
      });
      if (created) {
        logger.info(
          `Created local GitOps repository '${config.id}' at ${config.dir}${
            config.layoutDir ? ` from ${config.layoutDir}` : ''
          }`,
        );
      }
      return new LocalGitProvider({
        repository: config.id,
        dir: config.dir,
        requiredApprovals: config.requiredApprovals,
        allowSelfApproval: config.allowSelfApproval,
        // late-bound: the directory (the catalog) arrives when the gitops backend plugin starts
        isMember: async (userRef, groupRef) => (await directory()?.isMember(userRef, groupRef)) ?? false,
        isGroup: async groupRef => (await directory()?.isGroup(groupRef)) ?? false,
        resolveEmail: async email => directory()?.resolveEmail(email),
        onEvent,
        logger: repositoryLogger,
      });
    }
    case 'github':
      return GithubGitProvider.fromIntegrations(integrations, {
        repository: config.id,
        host: config.host,
        owner: config.owner,
        repo: config.repo,
        requiredApprovals: config.requiredApprovals,
        logger: repositoryLogger,
      });
    default: {
      const integration = integrations.gitlab.byHost(config.host);
      const token = integration?.config.token;
      if (!integration || !token) {
        throw new Error(
          `gitops repository '${config.id}': integrations.gitlab needs host '${config.host}' with a token`,
        );
      }
      return new GitlabGitProvider({
        repository: config.id,
        baseUrl: integration.config.baseUrl,
        projectPath: config.project,
        requiredApprovals: config.requiredApprovals,
        integrationToken: async () => token,
        logger: repositoryLogger,
      });
    }
  }
}

/** Reads `gitops.repositories` and creates their providers (the default GitProvidersService). */
export async function createGitProviders(options: {
  config: RootConfigService;
  logger: LoggerService;
}): Promise<GitProvidersService> {
  const { config, logger } = options;
  const integrations = ScmIntegrations.fromConfig(config);
  const listeners = new Set<(event: GitEvent) => void>();
  const onEvent = (event: GitEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.warn(`A listener of GitOps provider events failed: ${error}`);
      }
    }
  };
  let ownerDirectory: OwnerDirectory | undefined;
  const currentDirectory = () => ownerDirectory;
  const repositories = new Map<string, ChangeRepository>();
  for (const repository of readGitopsConfig(config).repositories) {
    repositories.set(repository.id, {
      id: repository.id,
      kinds: repository.kinds,
      provider: await createProvider(repository, integrations, logger, onEvent, currentDirectory),
    });
  }
  return {
    list: () => [...repositories.values()],
    get: id => repositories.get(id),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    useOwnerDirectory(directory) {
      ownerDirectory = directory;
    },
  };
}
