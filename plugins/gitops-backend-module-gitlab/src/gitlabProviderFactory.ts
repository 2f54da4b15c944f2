/*
 * GitLab repositories (`provider: gitlab`): the provider over the host's integration token, and
 * the verification of the project's webhook deliveries (X-Gitlab-Token).
 */
import { AuthenticationError } from '@backstage/errors';
import type {
  GitProviderFactory,
  GitlabRepositoryConfig,
} from '@butler-portal/plugin-gitops-node';
import { GitlabGitProvider } from './GitlabGitProvider';
import { parseGitlabWebhook } from './parseGitlabWebhook';

export const gitlabProviderFactory: GitProviderFactory<GitlabRepositoryConfig> = {
  type: 'gitlab',
  async create(config, { integrations, logger }) {
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
      logger,
    });
  },
  parseWebhook(config, { headers, rawBody }) {
    if (!config.webhookSecret) {
      throw new AuthenticationError(
        `repository '${config.id}' has no webhookSecret configured; deliveries cannot be verified`,
      );
    }
    const project = config.project.toLowerCase();
    return parseGitlabWebhook({
      headers,
      rawBody,
      secretToken: config.webhookSecret,
      repository: p =>
        p.pathWithNamespace.toLowerCase() === project ? config.id : undefined,
    });
  },
};
