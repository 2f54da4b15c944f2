/*
 * GitHub repositories (`provider: github`): the provider over the host's integration, and the
 * verification of the repository's webhook deliveries (X-Hub-Signature-256).
 */
import { AuthenticationError } from '@backstage/errors';
import type {
  GitProviderFactory,
  GithubRepositoryConfig,
} from '@butler-portal/plugin-gitops-node';
import { GithubGitProvider } from './GithubGitProvider';
import { parseGithubWebhook } from './parseGithubWebhook';

export const githubProviderFactory: GitProviderFactory<GithubRepositoryConfig> = {
  type: 'github',
  async create(config, { integrations, logger }) {
    return GithubGitProvider.fromIntegrations(integrations, {
      repository: config.id,
      host: config.host,
      owner: config.owner,
      repo: config.repo,
      requiredApprovals: config.requiredApprovals,
      logger,
    });
  },
  parseWebhook(config, { headers, rawBody }) {
    if (!config.webhookSecret) {
      // an unverifiable delivery is as good as forged
      throw new AuthenticationError(
        `repository '${config.id}' has no webhookSecret configured; deliveries cannot be verified`,
      );
    }
    const fullName = `${config.owner}/${config.repo}`.toLowerCase();
    return parseGithubWebhook({
      headers,
      rawBody,
      secret: config.webhookSecret,
      resolveRepository: name =>
        name.toLowerCase() === fullName ? config.id : undefined,
    });
  },
};
