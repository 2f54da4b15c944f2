/*
 * Local repositories (`provider: local`): a bare repository on disk, created from its repo
 * layout on first start (crash-safe; two processes starting together end up with the same
 * repository), operated with isomorphic-git.
 */
import type {
  GitProviderFactory,
  LocalRepositoryConfig,
} from '@butler-portal/plugin-gitops-node';
import { ensureLocalRepository } from './ensureLocalRepository';
import { LocalGitProvider } from './LocalGitProvider';

/**
 * The portal's own identity for the first commit of a new local repository; with the fixed seed
 * date it makes a seeded repository's first commit the same on every installation.
 */
export const PORTAL_SIGNATURE = { name: 'Butler Portal', email: 'butler-portal@localhost' };

export const localProviderFactory: GitProviderFactory<LocalRepositoryConfig> = {
  type: 'local',
  async create(config, { logger, onEvent, ownerDirectory }) {
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
      isMember: async (userRef, groupRef) =>
        (await ownerDirectory()?.isMember(userRef, groupRef)) ?? false,
      isGroup: async groupRef => (await ownerDirectory()?.isGroup(groupRef)) ?? false,
      resolveEmail: async email => ownerDirectory()?.resolveEmail(email),
      onEvent,
      logger,
    });
  },
};
